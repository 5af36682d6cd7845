package org.mlensemble.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parsed command line: the command name, positional arguments and {@code --options}.
 *
 * <p>Options may come before or after the command ({@code mlctl --json models} and
 * {@code mlctl models --json} are the same), so the parser must know which options take a value;
 * that is the one table below. Each command then checks that it was given only options it
 * understands, so a typo is a usage error instead of being silently ignored.
 */
final class Args {

    /** Every option and whether it takes a value. Names are unique across commands. */
    static final Map<String, Boolean> OPTIONS = Map.ofEntries(
            // global
            Map.entry("url", true), Map.entry("json", false), Map.entry("help", false),
            // fit
            Map.entry("dataset", true), Map.entry("target", true), Map.entry("algorithm", true),
            Map.entry("param", true), Map.entry("seed", true), Map.entry("sampling", true),
            Map.entry("log-target", false), Map.entry("weighted", false), Map.entry("deadline-ms", true),
            Map.entry("quorum", true), Map.entry("sync", false), Map.entry("no-wait", false),
            Map.entry("idempotency-key", true),
            // evaluate / predict / job
            Map.entry("model-id", true), Map.entry("file", true), Map.entry("wait", false),
            Map.entry("strict", false),
            // dataset
            Map.entry("name", true), Map.entry("test-fraction", true), Map.entry("shards", true));

    /** Options every command accepts. */
    static final Set<String> GLOBAL = Set.of("url", "json", "help");

    private final String command;
    private final List<String> positionals;
    private final Map<String, List<String>> options;

    private Args(String command, List<String> positionals, Map<String, List<String>> options) {
        this.command = command;
        this.positionals = positionals;
        this.options = options;
    }

    static Args parse(String[] argv) {
        List<String> positionals = new ArrayList<>();
        Map<String, List<String>> options = new LinkedHashMap<>();
        boolean onlyPositionals = false;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (onlyPositionals || !a.startsWith("-") || a.equals("-")) {
                positionals.add(a);
                continue;
            }
            if (a.equals("--")) {
                onlyPositionals = true;
                continue;
            }
            if (a.equals("-h")) {
                a = "--help";
            }
            if (!a.startsWith("--")) {
                throw CliError.usage("unknown option '" + a + "' (options are spelled --name)");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Boolean takesValue = OPTIONS.get(name);
            if (takesValue == null) {
                throw CliError.usage("unknown option '--" + name + "'");
            }
            if (takesValue && value == null) {
                if (i + 1 >= argv.length) {
                    throw CliError.usage("option --" + name + " needs a value");
                }
                value = argv[++i];
            } else if (!takesValue && value != null) {
                throw CliError.usage("option --" + name + " takes no value");
            }
            options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        String command = positionals.isEmpty() ? null : positionals.remove(0);
        return new Args(command, List.copyOf(positionals), options);
    }

    String command() {
        return command;
    }

    List<String> positionals() {
        return positionals;
    }

    /** Fails unless every option given is global or in {@code allowed}. */
    void allowOnly(String commandName, Set<String> allowed) {
        Set<String> wrong = new TreeSet<>();
        for (String name : options.keySet()) {
            if (!GLOBAL.contains(name) && !allowed.contains(name)) {
                wrong.add("--" + name);
            }
        }
        if (!wrong.isEmpty()) {
            throw CliError.usage(commandName + " does not take " + String.join(", ", wrong)
                    + " (see mlctl " + commandName + " --help)");
        }
    }

    /** Fails unless there are at most {@code max} positional arguments. */
    void maxPositionals(String commandName, int max) {
        if (positionals.size() > max) {
            throw CliError.usage("unexpected argument '" + positionals.get(max) + "' for " + commandName);
        }
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    /** The last value given (a repeated single-value option: the last one wins, as in most tools). */
    String value(String name) {
        List<String> v = options.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    Long longValue(String name) {
        String v = value(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw CliError.usage("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    Integer intValue(String name) {
        Long v = longValue(name);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw CliError.usage("--" + name + " is out of range: " + v);
        }
        return v.intValue();
    }

    /** A positive whole number option, or null when absent. */
    Long positiveLong(String name) {
        Long v = longValue(name);
        if (v != null && v <= 0) {
            throw CliError.usage("--" + name + " must be positive, got " + v);
        }
        return v;
    }
}
