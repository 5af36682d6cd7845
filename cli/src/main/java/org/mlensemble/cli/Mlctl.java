package org.mlensemble.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code mlctl}: the command-line client of the ml-ensemble service. The command line is parsed by
 * picocli (help, suggestions for a mistyped option or command, {@code --version}); each command
 * builds its {@link Session} from the global options and talks to the failing-over {@link ApiClient}.
 */
@Command(name = "mlctl", sortOptions = false,
        synopsisHeading = "Usage: ", customSynopsis = "mlctl [--url URL]... [--json] COMMAND [options]",
        description = {"", "The command-line client of the ml-ensemble service. Every request goes to the",
            "main load balancer first and fails over to the backup by itself."},
        commandListHeading = "%nCommands:%n", optionListHeading = "%nGlobal options:%n",
        subcommands = {FitCommand.class, EvaluateCommand.class, PredictCommand.class, ModelsCommand.class,
            LearnersCommand.class, StatusCommand.class, JobCommand.class, DatasetCommand.class,
            CommandLine.HelpCommand.class})
public final class Mlctl implements Callable<Integer> {

    static final String DEFAULT_URLS = "http://127.0.0.1:80,http://127.0.0.1:81";

    /**
     * The process's surroundings, passed in so that tests run the whole CLI in-process.
     *
     * @param terminal stderr is a terminal (progress bar rather than lines)
     */
    record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal,
            Session.Sleeper sleeper, Clock clock) {
    }

    // Inherited by every command: mlctl --json models and mlctl models --json set the same field.
    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT, description = {
        "a load balancer's base URL, repeatable, in failover order",
        "[$ML_URLS, comma separated; else " + DEFAULT_URLS + "]"})
    List<String> urls = new ArrayList<>();

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "print the server's JSON answer instead of a table")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Io io;

    Mlctl(Io io) {
        this.io = io;
    }

    public static void main(String[] args) {
        Io io = new Io(System.in, System.out, System.err, System.getenv(), System.console() != null,
                d -> Thread.sleep(d.toMillis()), Clock.systemUTC());
        System.exit(run(args, io));
    }

    /** Runs one command line and returns the exit code; never calls System.exit. */
    static int run(String[] argv, Io io) {
        CommandLine cli = new CommandLine(new Mlctl(io))
                .setOverwrittenOptionsAllowed(true) // a repeated single-value option: the last one wins
                .setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8))
                .setParameterExceptionHandler(Mlctl::usageError)
                .setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, io.err()));
        cli.getCommandSpec().usageMessage().footer(FOOTER);
        helpAndVersion(cli);
        try {
            return cli.execute(argv);
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /** -h, --help, -V and --version on every command, with the options in the order declared. */
    private static void helpAndVersion(CommandLine cmd) {
        if (!cmd.getCommandSpec().optionsMap().containsKey("--help")) { // the help command has its own
            cmd.getCommandSpec().mixinStandardHelpOptions(true).versionProvider(new Version());
        }
        cmd.getCommandSpec().usageMessage().sortOptions(false).width(100);
        cmd.getSubcommands().values().forEach(Mlctl::helpAndVersion);
    }

    /** {@code mlctl} alone: the usage on stderr, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Exit.USAGE;
    }

    Io io() {
        return io;
    }

    /** What a command runs with, built from the global options and the environment. */
    Session session() {
        ApiClient client = new ApiClient(urls(urls, io.env().get("ML_URLS")), io.env().get("ML_API_KEY"),
                io.err()::println);
        return new Session(client, io.out(), io.err(), json, io.terminal(), io.sleeper(), io.clock());
    }

    private static int usageError(ParameterException e, String[] argv) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("mlctl: " + message(e));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return Exit.USAGE;
    }

    /** picocli's message, but naming only the first word it could not place ('--sed', not '--sed', '7'). */
    private static String message(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return e.getMessage();
        }
        String first = u.getUnmatched().get(0);
        Map<String, CommandLine> commands = e.getCommandLine().getSubcommands();
        if (u.isUnknownOption()) {
            return "unknown option '" + first + "'";
        }
        return commands.isEmpty() ? "unexpected argument '" + first + "'"
                : "unknown command '" + first + "'; commands: " + String.join(", ", commands.keySet());
    }

    private static int failed(Exception e, PrintStream err) throws Exception {
        if (e instanceof CliError c) {
            err.println("mlctl: " + c.getMessage());
            if (c.exitCode() == Exit.USAGE) {
                err.println("Run 'mlctl help' for usage.");
            }
            return c.exitCode();
        }
        if (e instanceof ApiClient.Unreachable u) {
            err.println("mlctl: " + u.getMessage());
            return Exit.UNAVAILABLE;
        }
        throw e;
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

    /** The version the jar was built as. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Mlctl.class.getPackage().getImplementationVersion();
            return new String[] {"mlctl " + (v == null ? "(development build)" : v)
                    + ", Java " + Runtime.version()};
        }
    }

    static final String FOOTER = """

            Environment:
              ML_URLS      the URLs, comma separated, when no --url is given
              ML_API_KEY   sent as header X-API-Key on every request, when set

            Failover: on a refused connection, a timeout, or a 502/504 from a load balancer,
            the request goes to the next URL, with a note on stderr. A 4xx or 503 is the
            service's own answer and is not retried. fit always sends an Idempotency-Key, so
            a fit re-sent to the backup never trains twice.

            """ + Exit.HELP;
}
