package org.mlensemble.common.table;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * Columns of a predict held as primitives: what the binary predict job body decodes into. Each is
 * also a read-only {@code List<Object>} (boxing on {@code get}), so that code written for the
 * JSON-shaped columns still works; the feature encoding reads them through their primitive
 * accessors instead, without boxing.
 */
public final class Columns {

    private Columns() {
    }

    /** Numbers; {@code NaN} marks a missing value (numbers are finite everywhere else). */
    public static final class Doubles extends AbstractList<Object> implements RandomAccess {
        private final double[] values;

        public Doubles(double[] values) {
            this.values = values;
        }

        public boolean missing(int row) {
            return Double.isNaN(values[row]);
        }

        public double value(int row) {
            return values[row];
        }

        @Override
        public Object get(int row) {
            double v = values[row];
            if (Double.isNaN(v)) {
                return null;
            }
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    /** Text as codes into a dictionary of distinct values; code {@code -1} marks a missing value. */
    public static final class Coded extends AbstractList<Object> implements RandomAccess {
        private final String[] dictionary;
        private final int[] codes;

        /** @throws IllegalArgumentException when a code is outside the dictionary */
        public Coded(String[] dictionary, int[] codes) {
            for (int c : codes) {
                if (c < -1 || c >= dictionary.length) {
                    throw new IllegalArgumentException("code " + c + " outside a dictionary of " + dictionary.length);
                }
            }
            this.dictionary = dictionary;
            this.codes = codes;
        }

        public String[] dictionary() {
            return dictionary;
        }

        public int code(int row) {
            return codes[row];
        }

        @Override
        public Object get(int row) {
            int c = codes[row];
            return c < 0 ? null : dictionary[c];
        }

        @Override
        public int size() {
            return codes.length;
        }
    }
}
