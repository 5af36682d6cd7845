package org.mlensemble.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mlensemble.api.ApiApplication;
import org.mlensemble.datagen.HousePricingGenerator;
import org.mlensemble.learner.LearnerApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One api and four learners in this JVM, each its own Spring context, against a real broker under
 * a unique name prefix. Started once and shared by every test class: a context costs seconds, and
 * the tests leave the cluster as they found it (four learners up, no fault injected). A test that
 * needs another layout (replicas of a shard) starts a cluster of its own with {@link #of(List)}.
 */
final class Cluster implements AutoCloseable {

    static final List<String> SHARDS = List.of("A", "B", "C", "D");

    private static Cluster instance;

    final String prefix = "it" + UUID.randomUUID().toString().substring(0, 8);
    final Path dataDir;
    final Path modelDir;
    final Broker broker = Broker.get();
    private final Map<String, ConfigurableApplicationContext> learners = new LinkedHashMap<>();
    private final List<String> layout;
    private ConfigurableApplicationContext api;

    static synchronized Cluster get() {
        if (instance == null) {
            instance = new Cluster(SHARDS);
            instance.start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
        }
        return instance;
    }

    /**
     * A cluster of its own, under its own prefix: learner-k holds {@code shards.get(k - 1)}, so a
     * letter listed twice has two replicas. {@link #close()} it when done.
     */
    static Cluster of(List<String> shards) {
        return of(shards, new String[0]);
    }

    /** As {@link #of(List)}, with properties given to the api and every learner. */
    static Cluster of(List<String> shards, String... settings) {
        Cluster c = new Cluster(shards, settings);
        c.start();
        return c;
    }

    private final List<String> settings;

    private Cluster(List<String> layout) {
        this(layout, new String[0]);
    }

    private Cluster(List<String> layout, String[] settings) {
        this.layout = List.copyOf(layout);
        this.settings = List.of(settings);
        try {
            Path root = Files.createTempDirectory("ml-it-");
            dataDir = root.resolve("data");
            modelDir = root.resolve("models");
            HousePricingGenerator.generate(dataDir.resolve("house_pricing"), 7, 800, 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start() {
        // One after another: Spring Boot start-up touches JVM-wide state (logging, system
        // properties) and two contexts starting at once in one JVM can trip over each other.
        api = ApiApplication.builder().run(args(common(), "server.port=0", "management.server.port=0",
                "ml.api.liveness=2500ms"));
        for (int i = 0; i < layout.size(); i++) {
            startLearner(learnerId(i), layout.get(i));
        }
    }

    static String learnerId(int i) {
        return "learner-" + (i + 1);
    }

    synchronized void startLearner(String id, String shard, String... extra) {
        List<String> own = new ArrayList<>(List.of(
                "server.port=0",
                "ml.learner.id=" + id,
                "ml.learner.shard=" + shard,
                "ml.learner.data-dir=" + dataDir,
                "ml.learner.model-dir=" + modelDir,
                "ml.learner.heartbeat-interval=500ms",
                "ml.learner.queue-expiry=10m"));
        own.addAll(List.of(extra));
        ConfigurableApplicationContext ctx = LearnerApplication.builder().run(args(common(), own.toArray(String[]::new)));
        learners.put(id, ctx);
    }

    /** Graceful stop: the learner says it is leaving, its queue stays and keeps its jobs. */
    synchronized void stopLearner(String id) {
        ConfigurableApplicationContext ctx = learners.remove(id);
        if (ctx != null) {
            ctx.close();
        }
    }

    synchronized boolean running(String id) {
        return learners.containsKey(id);
    }

    /** A URL on a running learner's management port (actuator). */
    synchronized String learnerUrl(String id, String path) {
        return "http://127.0.0.1:" + learners.get(id).getEnvironment().getProperty("local.management.port") + path;
    }

    /** A URL on the api's management port (actuator), which answers nothing else. */
    String apiManagementUrl(String path) {
        return "http://127.0.0.1:" + api.getEnvironment().getProperty("local.management.port") + path;
    }

    int apiPort() {
        return Integer.parseInt(api.getEnvironment().getProperty("local.server.port"));
    }

    String apiUrl(String path) {
        return "http://127.0.0.1:" + apiPort() + path;
    }

    ConfigurableApplicationContext api() {
        return api;
    }

    /** The context of a running learner. */
    synchronized ConfigurableApplicationContext learner(String id) {
        return learners.get(id);
    }

    /** As command-line arguments, which outrank the applications' own config files. */
    private static String[] args(String[] common, String... own) {
        List<String> all = new ArrayList<>();
        for (String p : common) {
            all.add("--" + p);
        }
        for (String p : own) {
            all.add("--" + p);
        }
        return all.toArray(String[]::new);
    }

    private String[] common() {
        List<String> all = new ArrayList<>(List.of(baseSettings()));
        all.addAll(settings);
        return all.toArray(String[]::new);
    }

    private String[] baseSettings() {
        return new String[] {
            "ml.prefix=" + prefix,
            "spring.rabbitmq.host=" + broker.host(),
            "spring.rabbitmq.port=" + broker.port(),
            "spring.rabbitmq.username=" + broker.username(),
            "spring.rabbitmq.password=" + broker.password(),
            // one login for everything here: learners' identities are not told apart (see Identities)
            "ml.identity.learner-user=" + broker.username(),
            "ml.identity.api-users=" + broker.username(),
            "logging.level.root=WARN",
            "logging.level.org.mlensemble=INFO",
        };
    }

    /** Stops every context and deletes what this cluster declared on the broker. */
    @Override
    public synchronized void close() {
        stop();
    }

    private synchronized void stop() {
        List.copyOf(learners.keySet()).forEach(this::stopLearner);
        if (api != null) {
            BrokerTool.of(this).deleteEverything();
            api.close();
        }
    }
}
