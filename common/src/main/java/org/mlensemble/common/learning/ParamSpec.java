package org.mlensemble.common.learning;

import java.util.List;

/**
 * One hyperparameter of an algorithm: its type, bounds and default. Validation happens at the api,
 * before anything is scattered, and again at the learner.
 */
public record ParamSpec(String name, Kind kind, double min, double max, Object defaultValue, List<String> choices,
        String description) {

    public enum Kind { INT, DOUBLE, CHOICE }

    static ParamSpec integer(String name, int min, int max, int def, String description) {
        return new ParamSpec(name, Kind.INT, min, max, def, List.of(), description);
    }

    static ParamSpec real(String name, double min, double max, double def, String description) {
        return new ParamSpec(name, Kind.DOUBLE, min, max, def, List.of(), description);
    }

    static ParamSpec choice(String name, List<String> choices, String def, String description) {
        return new ParamSpec(name, Kind.CHOICE, Double.NaN, Double.NaN, def, choices, description);
    }

    /** Converts a JSON value to this parameter's type, or explains what is wrong. */
    Object coerce(Object value) {
        switch (kind) {
            case CHOICE -> {
                if (value instanceof String s && choices.contains(s)) {
                    return s;
                }
                throw new InvalidParamsException(name + " must be one of " + choices + ", got " + value);
            }
            case INT -> {
                if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                    long v = n.longValue();
                    if (v < min || v > max) {
                        throw new InvalidParamsException(name + " must be between " + (long) min + " and " + (long) max
                                + ", got " + v);
                    }
                    return (int) v;
                }
                throw new InvalidParamsException(name + " must be an integer, got " + value);
            }
            default -> {
                if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
                    double v = n.doubleValue();
                    if (v < min || v > max) {
                        throw new InvalidParamsException(name + " must be between " + min + " and " + max + ", got " + v);
                    }
                    return v;
                }
                throw new InvalidParamsException(name + " must be a finite number, got " + value);
            }
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CHOICE -> name + " (one of " + choices + ", default " + defaultValue + ")";
            case INT -> name + " (integer " + (long) min + ".." + (long) max + ", default " + defaultValue + ")";
            case DOUBLE -> name + " (number " + min + ".." + max + ", default " + defaultValue + ")";
        };
    }
}
