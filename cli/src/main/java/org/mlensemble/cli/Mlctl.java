package org.mlensemble.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mlctl}: the command-line client of the ml-ensemble service. Parses the command line,
 * builds the failing-over {@link ApiClient} and runs one {@link Command}.
 *
 * <p>Plain Java on purpose (no Spring, no reflection-heavy libraries): a CLI is started for each
 * call and must answer in a fraction of a second.
 */
public final class Mlctl {

    static final String DEFAULT_URLS = "http://127.0.0.1:80,http://127.0.0.1:81";

    /**
     * The process's surroundings, passed in so that tests run the whole CLI in-process.
     *
     * @param terminal stderr is a terminal (progress bar rather than lines)
     */
    record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal,
            Session.Sleeper sleeper, Clock clock) {
    }

    private Mlctl() {
    }

    public static void main(String[] args) {
        Io io = new Io(System.in, System.out, System.err, System.getenv(), System.console() != null,
                d -> Thread.sleep(d.toMillis()), Clock.systemUTC());
        int code = run(args, io);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    static Map<String, Command> commands(Io io) {
        Map<String, Command> c = new LinkedHashMap<>();
        for (Command cmd : List.of(new FitCommand(), new EvaluateCommand(), new PredictCommand(io.in()),
                new ModelsCommand(), new LearnersCommand(), new StatusCommand(), new JobCommand(),
                new DatasetCommand())) {
            c.put(cmd.name(), cmd);
        }
        return c;
    }

    /** Runs one command line and returns the exit code; never calls System.exit. */
    static int run(String[] argv, Io io) {
        Map<String, Command> commands = commands(io);
        try {
            Args args = Args.parse(argv);
            String name = args.command();
            if (name == null) {
                if (args.flag("help")) {
                    io.out().print(help(commands));
                    return Exit.OK;
                }
                io.err().print(help(commands));
                return Exit.USAGE;
            }
            if (name.equals("help")) {
                args.maxPositionals("help", 1);
                if (args.positionals().isEmpty()) {
                    io.out().print(help(commands));
                    return Exit.OK;
                }
                Command c = command(commands, args.positionals().get(0));
                io.out().print(c.help() + GLOBAL_OPTIONS);
                return Exit.OK;
            }
            Command c = command(commands, name);
            if (args.flag("help")) {
                io.out().print(c.help() + GLOBAL_OPTIONS);
                return Exit.OK;
            }
            args.allowOnly(name, c.options());
            args.maxPositionals(name, c.positionals());
            ApiClient client = new ApiClient(urls(args.values("url"), io.env().get("ML_URLS")),
                    io.env().get("ML_API_KEY"), io.err()::println);
            Session session = new Session(client, io.out(), io.err(), args.flag("json"), io.terminal(), io.sleeper(),
                    io.clock());
            return c.run(args, session);
        } catch (CliError e) {
            io.err().println("mlctl: " + e.getMessage());
            if (e.exitCode() == Exit.USAGE) {
                io.err().println("Run 'mlctl help' for usage.");
            }
            return e.exitCode();
        } catch (ApiClient.Unreachable e) {
            io.err().println("mlctl: " + e.getMessage());
            return Exit.UNAVAILABLE;
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    private static Command command(Map<String, Command> commands, String name) {
        Command c = commands.get(name);
        if (c == null) {
            throw CliError.usage("unknown command '" + name + "'; commands: " + String.join(", ", commands.keySet()));
        }
        return c;
    }

    /** --url options win over ML_URLS, which wins over the default. */
    static List<URI> urls(List<String> options, String env) {
        List<String> raw = new ArrayList<>();
        if (!options.isEmpty()) {
            options.forEach(o -> raw.addAll(List.of(o.split(","))));
        } else {
            raw.addAll(List.of((env == null || env.isBlank() ? DEFAULT_URLS : env).split(",")));
        }
        List<URI> urls = new ArrayList<>();
        for (String r : raw) {
            String u = r.strip();
            if (u.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
            } catch (IllegalArgumentException e) {
                throw CliError.usage("not a URL: '" + u + "'");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null) {
                throw CliError.usage("not an http(s)://host[:port] URL: '" + u + "'");
            }
            urls.add(uri);
        }
        if (urls.isEmpty()) {
            throw CliError.usage("no URL given");
        }
        return urls;
    }

    static String help(Map<String, Command> commands) {
        StringBuilder sb = new StringBuilder("""
                Usage: mlctl [--url URL]... [--json] COMMAND [options]

                The command-line client of the ml-ensemble service. Every request goes to the
                main load balancer first and fails over to the backup by itself.

                Commands:
                """);
        for (Command c : commands.values()) {
            sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        sb.append(String.format("  %-10s %s%n", "help", "this text; mlctl help COMMAND (or COMMAND --help) for one"));
        sb.append(GLOBAL_OPTIONS).append(FAILOVER).append('\n').append(Exit.HELP);
        return sb.toString();
    }

    static final String GLOBAL_OPTIONS = """

            Global options:
              --url URL    a load balancer's base URL, repeatable, in failover order
                           [$ML_URLS, comma separated; else http://127.0.0.1:80,http://127.0.0.1:81]
              --json       print the server's JSON answer instead of a table
              --help, -h   help

            Environment:
              ML_URLS      the URLs, comma separated, when no --url is given
              ML_API_KEY   sent as header X-API-Key on every request, when set
            """;

    static final String FAILOVER = """

            Failover: on a refused connection, a timeout, or a 502/504 from a load balancer,
            the request goes to the next URL, with a note on stderr. A 4xx or 503 is the
            service's own answer and is not retried. fit always sends an Idempotency-Key, so
            a fit re-sent to the backup never trains twice.
            """;
}
