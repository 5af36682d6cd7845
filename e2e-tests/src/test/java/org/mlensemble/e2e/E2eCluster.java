package org.mlensemble.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one cluster the whole suite runs against, started with {@code bin/mlcluster} on its own ports,
 * run directory, broker prefix and vhost, so it can run beside a developer's cluster. Started once
 * (JVM start-up costs ~15 s per process on 2 cores) and taken down at the end of the run, even
 * after a failure: by the JUnit root store, or by a shutdown hook when the run is cut short.
 */
final class E2eCluster implements AutoCloseable {

    static final List<String> LEARNERS = List.of("learner-1", "learner-2", "learner-3", "learner-4");
    static final List<String> APIS = List.of("api-1", "api-2");
    static final List<String> LOAD_BALANCERS = List.of("lb-main", "lb-backup");
    static final int LB_MAIN_PORT = 18080;
    static final int LB_BACKUP_PORT = 18081;
    static final int API_PORT_BASE = 19000;
    static final int LEARNER_PORT_BASE = 19100;
    /** Each api instance and learner answers actuator on its port + this (ML_MANAGEMENT_PORT_OFFSET). */
    static final int MANAGEMENT_PORT_OFFSET = 1000;
    /** Learners beyond the four of {@code up} that a scenario may add with {@code bin/mlcluster start learner-K}. */
    static final int MAX_LEARNERS = 8;

    /** Every learner keeps all the suite's model versions (the default retention of 5 would prune them). */
    static final String LEARNER_ARGS = "--ml.learner.retention=100";

    private static E2eCluster instance;
    private static RuntimeException startFailure;

    final Path repo;
    final Path target;
    final Path runDir;
    final Broker broker;
    private final Map<String, String> env;
    private final Map<String, String> nonDefaultArgs = new HashMap<>();
    /** Learners beyond {@link #LEARNERS} started by a scenario, stopped again by {@link #ensureBaseline()}. */
    private final java.util.Set<String> added = new java.util.TreeSet<>();
    private final Thread shutdownHook;
    private volatile boolean closed;
    private String baselineModel;

    private E2eCluster(Path repo, Path target) {
        this.repo = repo;
        this.target = target;
        this.runDir = target.resolve("e2e-run");
        this.broker = new Broker(repo);
        this.env = environment(repo, runDir);
        this.shutdownHook = new Thread(this::close, "e2e-cluster-down");
    }

    /** The running cluster, started on first use. */
    static synchronized E2eCluster get() {
        if (startFailure != null) {
            throw new IllegalStateException("the cluster did not start (see the first failure)", startFailure);
        }
        if (instance == null) {
            Path repo = Path.of(System.getProperty("e2e.repo", "..")).toAbsolutePath().normalize();
            Path target = Path.of(System.getProperty("e2e.target", "target")).toAbsolutePath().normalize();
            E2eCluster c = new E2eCluster(repo, target);
            try {
                c.start();
            } catch (RuntimeException | Error e) {
                c.close();
                startFailure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                throw e;
            }
            instance = c;
        }
        return instance;
    }

    private static Map<String, String> environment(Path repo, Path runDir) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("ML_RUN_DIR", runDir.toString());
        e.put("ML_DATA_DIR", repo.resolve("data").toString());
        e.put("ML_PREFIX", Broker.PREFIX);
        e.put("ML_RABBIT_HOST", Broker.HOST);
        e.put("ML_RABBIT_PORT", Integer.toString(Broker.PORT));
        e.put("ML_RABBIT_VHOST", Broker.VHOST);
        e.put("ML_RABBIT_IMPORT_DEFINITIONS", "never");
        e.put("ML_LB_MAIN_PORT", Integer.toString(LB_MAIN_PORT));
        e.put("ML_LB_BACKUP_PORT", Integer.toString(LB_BACKUP_PORT));
        for (int i = 1; i <= 2; i++) {
            e.put("ML_API_" + i + "_PORT", Integer.toString(API_PORT_BASE + i));
        }
        e.put("ML_LEARNER_PORT_BASE", Integer.toString(LEARNER_PORT_BASE));
        e.put("ML_MANAGEMENT_PORT_OFFSET", Integer.toString(MANAGEMENT_PORT_OFFSET));
        for (int i = 1; i <= MAX_LEARNERS; i++) {
            e.put("ML_LEARNER_" + i + "_PORT", Integer.toString(LEARNER_PORT_BASE + i));
        }
        e.put("ML_SKIP_BUILD", "1");
        e.put("ML_UP_TIMEOUT", "240");
        e.put("ML_STOP_TIMEOUT", "30");
        e.put("ML_LEARNER_EXTRA_ARGS", LEARNER_ARGS);
        return e;
    }

    private void start() {
        Path learnerJar = repo.resolve("learner-worker/target/learner-worker-exec.jar");
        Path apiJar = repo.resolve("api/target/api-exec.jar");
        if (!Files.isRegularFile(learnerJar) || !Files.isRegularFile(apiJar)) {
            throw new IllegalStateException(learnerJar + " or " + apiJar + " is missing: run './mvnw verify' "
                    + "(or './mvnw -pl e2e-tests -am verify'), which builds the jars before this suite");
        }
        if (!Shell.onPath("nginx")) {
            throw new IllegalStateException("the end-to-end suite needs nginx (apt-get install -y nginx; .ci/run does it)");
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // leftovers of an aborted run use the same run directory: stop them before the broker is reset
        mlcluster(Duration.ofMinutes(2), Map.of(), "down");
        deleteTree(runDir.resolve("models"));
        broker.prepare();
        long t0 = System.nanoTime();
        Shell.Result up = mlcluster(Duration.ofMinutes(5), Map.of(), "up");
        if (!up.ok()) {
            throw new IllegalStateException("bin/mlcluster up failed:\n" + up.output() + "\n" + logTails());
        }
        awaitAllLive(Duration.ofSeconds(60));
        log("cluster up in %d s", (System.nanoTime() - t0) / 1_000_000_000);
        Http.Reply fit = Api.fit(lbMain(), "{\"algorithm\":\"linear\",\"quorum\":4,\"deadlineMs\":60000}",
                Duration.ofSeconds(60));
        if (!fit.ok() || fit.used() != 4) {
            throw new IllegalStateException("the baseline fit failed: " + fit);
        }
        baselineModel = fit.json().get("modelId").asString();
        awaitHolders(baselineModel, LEARNERS, Duration.ofSeconds(10));
    }

    /** Takes the cluster down and removes the suite's broker vhost and user. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Shell.Result down = mlcluster(Duration.ofMinutes(3), Map.of(), "down");
            if (!down.ok()) {
                log("bin/mlcluster down failed:\n%s", down.output());
            }
            if (!brokerListening()) {
                broker.startApp(); // a broker scenario was cut short: never leave the broker down
            }
            broker.cleanup();
        } finally {
            if (Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException ignored) {
                    // the JVM is shutting down already
                }
            }
        }
    }

    private static boolean brokerListening() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(Broker.HOST, Broker.PORT), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ bin/mlcluster

    Shell.Result mlcluster(Duration timeout, Map<String, String> extraEnv, String... args) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.putAll(extraEnv);
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/mlcluster").toString()));
        cmd.addAll(List.of(args));
        Map<String, String> full = new HashMap<>(System.getenv());
        // a developer's own ML_* settings (model dir, ports...) must not leak into the suite's cluster
        full.keySet().removeIf(k -> k.startsWith("ML_") || k.equals("LEARNER_JAVA_OPTS") || k.equals("API_JAVA_OPTS"));
        full.putAll(e);
        Shell.Result r = Shell.run(timeout, full, repo, cmd, null, true);
        log("$ mlcluster %s -> exit %d in %d ms%s", String.join(" ", args), r.exitCode(), r.millis(),
                r.ok() ? "" : "\n" + r.output());
        try {
            Files.createDirectories(target);
            Files.writeString(target.resolve("e2e-mlcluster.log"), String.format("%n$ %s%s%n%s%n-> exit %d in %d ms%n",
                    extraEnv.isEmpty() ? "" : extraEnv + " ", String.join(" ", cmd), r.output(), r.exitCode(),
                    r.millis()), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ex) {
            log("cannot write the mlcluster log: %s", ex);
        }
        return r;
    }

    void kill(String name) {
        mlcluster(Duration.ofSeconds(30), Map.of(), "kill", name).orThrow();
    }

    void stop(String name) {
        mlcluster(Duration.ofSeconds(90), Map.of(), "stop", name).orThrow();
        if (added.remove(name)) {
            broker.deleteQueue(broker.learnerQueue(name));
        }
    }

    /** Starts NAME with the suite's default settings and waits until it is healthy. */
    void start(String name) {
        start(name, "");
    }

    /** Starts a learner with extra Spring arguments (fault injection), healthy when this returns. */
    void start(String name, String extraLearnerArgs) {
        String args = (LEARNER_ARGS + " " + extraLearnerArgs).strip();
        if (name.startsWith("learner-") && !LEARNERS.contains(name)) {
            if (index(name) > MAX_LEARNERS) {
                throw new IllegalArgumentException(name + ": the suite gives ports to learner-1.." + MAX_LEARNERS);
            }
            added.add(name); // before the start: a failed start is cleaned up too
        }
        mlcluster(Duration.ofMinutes(4), Map.of("ML_LEARNER_EXTRA_ARGS", args), "start", name).orThrow();
        if (extraLearnerArgs.isBlank()) {
            nonDefaultArgs.remove(name);
        } else {
            nonDefaultArgs.put(name, extraLearnerArgs);
        }
    }

    boolean statusOk() {
        return mlcluster(Duration.ofSeconds(60), Map.of(), "status").ok();
    }

    Shell.Result status() {
        return mlcluster(Duration.ofSeconds(60), Map.of(), "status");
    }

    long pid(String name) {
        try {
            return Long.parseLong(Files.readString(runDir.resolve("pids").resolve(name + ".pid")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ the baseline every scenario starts from

    /**
     * Every part runs with default settings and both api instances see all four learners. Repairs
     * what an earlier, failed scenario left behind, so that one failure does not cascade.
     */
    void ensureBaseline() {
        for (String name : List.copyOf(added)) {
            log("stopping %s, added by an earlier scenario", name);
            stop(name);
        }
        for (String name : List.copyOf(nonDefaultArgs.keySet())) {
            log("restoring %s to its default settings (left as '%s')", name, nonDefaultArgs.get(name));
            stop(name);
            start(name);
        }
        for (String name : concat(LEARNERS, APIS, LOAD_BALANCERS)) {
            if (!healthy(name)) {
                log("repairing %s after an earlier scenario", name);
                start(name);
            }
        }
        awaitAllLive(Duration.ofSeconds(60));
    }

    /** What bin/mlcluster status checks, without its cost: the part's readiness (or lb-health) answers. */
    boolean healthy(String name) {
        String url = switch (name) {
            case "lb-main" -> lbMain() + "/lb-health";
            case "lb-backup" -> lbBackup() + "/lb-health";
            default -> (name.startsWith("api-") ? apiManagement(name) : learner(name)) + "/actuator/health/readiness";
        };
        Http.Reply r = Http.get(url, Duration.ofSeconds(3));
        return r.ok() && (name.startsWith("lb-") || r.body().contains("\"UP\""));
    }

    void awaitAllLive(Duration within) {
        await("both api instances see all four learners alive").atMost(within).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> APIS.stream().allMatch(a -> Api.liveLearners(api(a)).containsAll(LEARNERS)));
    }

    /** Both api instances see exactly {@code learners} alive: no more, no fewer. */
    void awaitExactlyLive(java.util.Collection<String> learners, Duration within) {
        java.util.Set<String> want = java.util.Set.copyOf(learners);
        await("both api instances see exactly " + new java.util.TreeSet<>(want) + " alive").atMost(within)
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> APIS.stream().allMatch(a -> java.util.Set.copyOf(Api.liveLearners(api(a))).equals(want)));
    }

    void awaitHolders(String modelId, List<String> learners, Duration within) {
        await(modelId + " held by " + learners).atMost(within).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> APIS.stream().allMatch(a -> Api.liveHolders(api(a), modelId).containsAll(learners)));
    }

    String baselineModel() {
        return baselineModel;
    }

    // ------------------------------------------------------------------ addresses and files

    String lbMain() {
        return "http://127.0.0.1:" + LB_MAIN_PORT;
    }

    String lbBackup() {
        return "http://127.0.0.1:" + LB_BACKUP_PORT;
    }

    /** api-1 -> http://127.0.0.1:19001 */
    String api(String name) {
        return "http://127.0.0.1:" + (API_PORT_BASE + index(name));
    }

    /** api-1 -> http://127.0.0.1:20001: its management port (actuator), which no load balancer proxies to */
    String apiManagement(String name) {
        return "http://127.0.0.1:" + (API_PORT_BASE + index(name) + MANAGEMENT_PORT_OFFSET);
    }

    /** learner-3 -> http://127.0.0.1:20103: its management port (actuator) */
    String learner(String name) {
        return "http://127.0.0.1:" + (LEARNER_PORT_BASE + index(name) + MANAGEMENT_PORT_OFFSET);
    }

    Path modelDir() {
        return runDir.resolve("models");
    }

    Path log(String name) {
        return runDir.resolve("logs").resolve(name + ".log");
    }

    Path mlctlJar() {
        return repo.resolve("cli/target/mlctl.jar");
    }

    Path reliabilityDir() {
        return target.resolve("reliability");
    }

    String logTails() {
        StringBuilder sb = new StringBuilder();
        for (String n : concat(LEARNERS, APIS)) {
            Path p = log(n);
            if (Files.isRegularFile(p)) {
                try {
                    List<String> lines = Files.readAllLines(p);
                    sb.append("---- ").append(p).append(" (last 15 lines)\n");
                    lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> sb.append(l).append('\n'));
                } catch (IOException | UncheckedIOException ignored) {
                    // best effort
                }
            }
        }
        return sb.toString();
    }

    static int index(String name) {
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    static void log(String format, Object... args) {
        System.out.printf("[e2e %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
