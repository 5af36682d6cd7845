package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Broker node faults on a three-node RabbitMQ cluster of the topology's own
 * ({@code bin/mlcluster up --broker-nodes 3}): its own run folder, ports, node names, broker prefix
 * (the default, `ml`, in the nodes' vhost `ml`) and nodes, started once for the whole class and taken down at its end; the shared cluster on the
 * machine's broker is not touched. Learner job queues are quorum queues replicated on the three
 * nodes; the api instances and learners know every node's address.
 * <ol>
 *   <li>direct reply-to works when the requester's connection is on one node and the responder's on
 *       another (the design relies on it: the api's reply channels and the learners may sit on any
 *       node);</li>
 *   <li>the node that leads the learner queues is SIGKILLed under a predict load: at least 99.9 % of
 *       the predicts answer 200, each with its own row's answer;</li>
 *   <li>that node is started again and rejoins the cluster with no other step;</li>
 *   <li>a node is SIGKILLed while a 4-learner fit trains: the fit, or its retry with the same
 *       idempotency key, ends with 4 of 4 members;</li>
 *   <li>two of three nodes down, then one back.</li>
 * </ol>
 * Figures go to {@code target/reliability/} like the other scenarios (docs/reliability.md).
 */
@Order(9)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerClusterTest {

    /** The cluster is the topology's own: the default prefix, which the permissions of definitions.json name. */
    private static final String PREFIX = "ml";
    private static final String NODE_PREFIX = "e2e-rabbit";
    private static final int BROKER_PORT_BASE = 5780;
    private static final int LB_PORT = 18480;
    private static final int API_PORT_BASE = 19480;
    private static final int LEARNER_PORT_BASE = 19460;
    private static final List<String> NODES = List.of("broker-1", "broker-2", "broker-3");
    private static final List<String> LEARNERS = List.of("learner-1", "learner-2", "learner-3", "learner-4");
    private static final Duration PREDICT_DEADLINE = Duration.ofSeconds(3);
    private static final Duration FIT_DEADLINE = Duration.ofSeconds(90);
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString("ml-admin:ml-admin-dev".getBytes(StandardCharsets.UTF_8));
    private static final double TOLERANCE = 1e-9;

    private Path repo;
    private Path runDir;
    private Path reliabilityDir;
    private String model;
    private Rows rows;
    private double[] fourMembers;
    private String killedLeader;

    @BeforeAll
    void startTheTopology() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")) || Files.isWritable(Path.of("/tmp")),
                "needs to start processes");
        repo = Path.of(System.getProperty("e2e.repo", "..")).toAbsolutePath().normalize();
        Path target = Path.of(System.getProperty("e2e.target", "target")).toAbsolutePath().normalize();
        runDir = target.resolve("e2e-ha-run");
        reliabilityDir = target.resolve("reliability");
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server"))
                || Shell.onPath("rabbitmq-server"), "RabbitMQ is not installed");
        mlcluster(Duration.ofMinutes(3), "down");
        deleteTree(runDir.resolve("rabbit")); // a new cluster each run
        deleteTree(runDir.resolve("models"));
        long t0 = System.nanoTime();
        Shell.Result up = mlcluster(Duration.ofMinutes(6), "up", "--broker-nodes", "3");
        E2eCluster.log("three-node topology up in %d s", (System.nanoTime() - t0) / 1_000_000_000);
        assertThat(up.ok()).as("bin/mlcluster up --broker-nodes 3:\n" + up.output()).isTrue();
        Http.Reply fit = Api.fit(lb(), "{\"algorithm\":\"linear\",\"quorum\":4,\"deadlineMs\":60000}",
                Duration.ofSeconds(60));
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.used()).isEqualTo(4);
        model = fit.json().get("modelId").asString();
        rows = Rows.testRows(repo, 40);
        await("every api instance sees the model on all four learners").atMost(Duration.ofSeconds(15))
                .ignoreExceptions().until(() -> api(1, 2).stream().allMatch(a -> Api.holders(a, model).size() == 4));
        fourMembers = batch();
    }

    @AfterAll
    void stopTheTopology() {
        if (runDir != null) {
            Shell.Result down = mlcluster(Duration.ofMinutes(3), "down");
            E2eCluster.log("three-node topology down: %s", down.ok() ? "ok" : down.output());
        }
    }

    @Test
    @Order(1)
    void directReplyToWorksBetweenConnectionsOnDifferentNodes() throws Exception {
        try (Connection requester = connect(1, "e2e-requester-on-broker-1");
                Connection responder = connect(3, "e2e-responder-on-broker-3")) {
            Channel serve = responder.createChannel();
            String queue = serve.queueDeclare(PREFIX + ".e2e-echo", false, true, true, null).getQueue();
            serve.basicConsume(queue, true, (tag, m) -> serve.basicPublish("", m.getProperties().getReplyTo(),
                    new AMQP.BasicProperties.Builder().correlationId(m.getProperties().getCorrelationId()).build(),
                    m.getBody()), tag -> { });
            Channel ask = requester.createChannel();
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            ask.basicConsume("amq.rabbitmq.reply-to", true, (tag, m) -> replies.add(m.getProperties().getCorrelationId()
                    + "=" + new String(m.getBody(), StandardCharsets.UTF_8)), tag -> { });
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = UUID.randomUUID().toString();
                ask.basicPublish("", queue, new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to")
                        .correlationId(id).build(), ("ping-" + i).getBytes(StandardCharsets.UTF_8));
                String reply = replies.poll(5, TimeUnit.SECONDS);
                assertThat(reply).as("reply %d across nodes", i).isEqualTo(id + "=ping-" + i);
                got.add(reply);
            }
            assertThat(got).hasSize(50);
        }
    }

    @Test
    @Order(2)
    void killingTheNodeThatLeadsTheLearnerQueuesLosesNoPredict() {
        killedLeader = leaderOfMostLearnerQueues();
        E2eCluster.log("the learner queues' leader: %s (%s)", killedLeader, leaders());
        LoadGenerator load = LoadGenerator.start("ha-predict", 4, 50_000, Duration.ofSeconds(30), seq -> {
            int row = (int) (seq % rows.size());
            return new LoadGenerator.Call(row, () -> Api.predict(lb(), model, rows.one(row), PREDICT_DEADLINE));
        });
        long killedAtMs;
        try {
            await("the load runs").atMost(Duration.ofSeconds(20)).until(() -> load.elapsedMs() > 5_000);
            killedAtMs = load.elapsedMs();
            mlcluster(Duration.ofSeconds(30), "kill", killedLeader).orThrow();
            await("new leaders elected").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> leaders().values().stream().noneMatch(killedLeaderNode()::equals));
        } finally {
            // the load ends by its own bound (30 s)
        }
        List<LoadGenerator.Sample> samples = load.awaitEnd(PREDICT_DEADLINE.plus(Api.SLACK));
        LoadGenerator.Stats stats = LoadGenerator.Stats.of(samples);
        long wrong = wrongAnswers(samples);
        Long recoveryMs = recoveryMs(samples, killedAtMs);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("killed", killedLeader);
        details.put("killedAtMs", killedAtMs);
        details.put("wrong", wrong);
        Map<String, Long> failures = new TreeMap<>();
        samples.stream().filter(x -> !x.reply().ok())
                .forEach(x -> failures.merge(x.reply().status() + " " + x.reply().detail(), 1L, Long::sum));
        details.put("failures", failures);
        Figures.of("11a-broker-leader-killed-under-predicts", getClass(), stats, recoveryMs, details)
                .report(reliabilityDir);
        E2eCluster.log("leader kill: %s, wrong %d, recovery %s ms", stats, wrong, recoveryMs);
        assertThat(wrong).as("answers with another request's rows").isZero();
        assertThat(stats.successRatio()).as(stats.toString()).isGreaterThanOrEqualTo(0.999);
    }

    @Test
    @Order(3)
    void theKilledNodeRestartsAndRejoinsWithNoOtherStep() {
        assumeTrue(killedLeader != null, "a node was killed");
        long t0 = System.nanoTime();
        mlcluster(Duration.ofMinutes(3), "start", killedLeader).orThrow();
        await("the node is a member of every learner queue again").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> runningNodes().size() == 3 && LEARNERS.stream().allMatch(
                        l -> onlineMembers(l).contains(killedLeaderNode())));
        long rejoinMs = (System.nanoTime() - t0) / 1_000_000;
        Http.Reply r = Api.predict(lb(), model, rows.one(0), PREDICT_DEADLINE);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.used()).isEqualTo(4);
        Figures.of("11b-broker-node-rejoins", getClass(), LoadGenerator.Stats.of(List.of(
                new LoadGenerator.Sample(0, null, 0, r))), rejoinMs, Map.of("restarted", killedLeader))
                .report(reliabilityDir);
        E2eCluster.log("%s rejoined in %d ms", killedLeader, rejoinMs);
    }

    @Test
    @Order(4)
    void aFitSurvivesTheLossOfANodeWhileItTrains() throws Exception {
        String victim = leaderOfMostLearnerQueues();
        String key = "e2e-ha-fit-" + UUID.randomUUID();
        String body = "{\"algorithm\":\"forest\",\"params\":{\"trees\":25},\"seed\":17,\"quorum\":4,\"deadlineMs\":"
                + FIT_DEADLINE.toMillis() + "}";
        List<String> before = Api.modelIds(lb());
        CompletableFuture<Http.Reply> fit = CompletableFuture.supplyAsync(() -> Api.fit(lb(), body, FIT_DEADLINE, key));
        String training = await("the fit trains on the learners").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> Api.learner(api(1, 1).get(0), "learner-1").flatMap(l -> Api.newTraining(l, before))
                        .orElse(null), id -> id != null);
        long t0 = System.nanoTime();
        mlcluster(Duration.ofSeconds(30), "kill", victim).orThrow();
        Http.Reply first = fit.get(FIT_DEADLINE.plusSeconds(10).toSeconds(), TimeUnit.SECONDS);
        Http.Reply last = first;
        int attempts = 1;
        while (!(last.status() == 200 && last.used() == 4) && attempts < 3) {
            last = Api.fit(lb(), body, FIT_DEADLINE, key); // the same key: the same model, never trained twice
            attempts++;
        }
        long doneMs = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("killed", victim);
        details.put("firstStatus", first.status());
        details.put("firstUsed", first.used());
        details.put("attempts", attempts);
        details.put("fitDoneAfterKillMs", doneMs);
        Figures.of("11c-broker-node-killed-mid-fit", getClass(), LoadGenerator.Stats.of(List.of(
                new LoadGenerator.Sample(0, null, 0, last))), null, details).report(reliabilityDir);
        E2eCluster.log("fit during node kill: first %s, final %s after %d attempt(s)", first, last, attempts);
        mlcluster(Duration.ofMinutes(3), "start", victim).orThrow();
        assertThat(last.status()).as(last.toString()).isEqualTo(200);
        assertThat(last.used()).isEqualTo(4);
        assertThat(last.json().get("modelId").asString()).isEqualTo(training);
    }

    @Test
    @Order(5)
    void withTwoOfThreeNodesDownRequestsFailFastAndRecoverWhenOneReturns() {
        List<String> down = List.of("broker-2", "broker-3");
        LoadGenerator load = LoadGenerator.start("ha-minority", 2, 50_000, Duration.ofSeconds(60), seq -> {
            int row = (int) (seq % rows.size());
            return new LoadGenerator.Call(row, () -> Api.predict(lb(), model, rows.one(row), PREDICT_DEADLINE));
        });
        long downAtMs;
        long backAtMs;
        try {
            await("the load runs").atMost(Duration.ofSeconds(20)).until(() -> load.elapsedMs() > 3_000);
            downAtMs = load.elapsedMs();
            down.forEach(n -> mlcluster(Duration.ofSeconds(30), "kill", n).orThrow());
            await("the load runs 10 s with two nodes down").atMost(Duration.ofSeconds(20))
                    .until(() -> load.elapsedMs() > downAtMs + 10_000);
            mlcluster(Duration.ofMinutes(3), "start", "broker-2").orThrow();
            backAtMs = load.elapsedMs();
            await("predicts answer 200 again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> load.samples().stream().anyMatch(s -> s.startedAtMs() > backAtMs && s.reply().ok()));
            long ok = load.elapsedMs();
            await("the load runs 3 s past the recovery").atMost(Duration.ofSeconds(10))
                    .until(() -> load.elapsedMs() > ok + 3_000);
        } finally {
            load.stop();
        }
        List<LoadGenerator.Sample> samples = load.awaitEnd(PREDICT_DEADLINE.plus(Api.SLACK));
        mlcluster(Duration.ofMinutes(3), "start", "broker-3");
        List<LoadGenerator.Sample> during = samples.stream()
                .filter(s -> s.startedAtMs() > downAtMs + 2_000 && s.startedAtMs() < backAtMs).toList();
        LoadGenerator.Stats all = LoadGenerator.Stats.of(samples);
        LoadGenerator.Stats minority = LoadGenerator.Stats.of(during);
        long firstOkAfter = samples.stream().filter(s -> s.startedAtMs() > backAtMs && s.reply().ok())
                .mapToLong(LoadGenerator.Sample::startedAtMs).min().orElse(-1);
        Map<String, String> details503 = new TreeMap<>();
        during.stream().filter(s -> !s.reply().ok()).limit(3)
                .forEach(s -> details503.put(Long.toString(s.seq()), s.reply().status() + " " + s.reply().detail()));
        long medianMs = during.stream().map(s -> s.reply().latencyMs()).sorted(Comparator.naturalOrder())
                .skip(during.size() / 2).findFirst().orElse(-1L);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("down", down);
        details.put("duringTwoDown", minority);
        details.put("duringTwoDownMedianLatencyMs", medianMs);
        details.put("sampleFailures", details503);
        details.put("wrong", wrongAnswers(samples));
        Long recoveryMs = firstOkAfter < 0 ? null : firstOkAfter - backAtMs;
        Figures.of("11d-two-of-three-broker-nodes-down", getClass(), all, recoveryMs, details).report(reliabilityDir);
        E2eCluster.log("two nodes down: %s; during: %s (median %d ms); recovery %s ms", all, minority, medianMs,
                recoveryMs);
        assertThat(wrongAnswers(samples)).isZero();
        // no majority: no quorum queue takes a job, and the api says so at once (the job's confirm
        // timeout, 1 s) rather than at the deadline (3 s)
        assertThat(minority.failed()).as("predicts failed while two nodes were down").isPositive();
        assertThat(during.stream().filter(s -> !s.reply().ok()))
                .allSatisfy(s -> assertThat(s.reply().status() + " " + s.reply().detail()).startsWith("503")
                        .containsIgnoringCase("broker"));
        assertThat(medianMs).as("median latency with two nodes down").isLessThan(PREDICT_DEADLINE.toMillis() / 2);
        assertThat(recoveryMs).as("predicts answer again once a second node is back").isNotNull();
    }

    // ---------------------------------------------------------------- helpers

    private String lb() {
        return "http://127.0.0.1:" + LB_PORT;
    }

    private static List<String> api(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add("http://127.0.0.1:" + (API_PORT_BASE + i));
        }
        return out;
    }

    private static String node(String broker) {
        return NODE_PREFIX + "-" + broker.substring(broker.indexOf('-') + 1) + "@localhost";
    }

    private String killedLeaderNode() {
        return node(killedLeader);
    }

    private static String management(int k) {
        return "http://127.0.0.1:" + (BROKER_PORT_BASE + 10000 + k) + "/api";
    }

    /** GET on the management API of the first node that answers. */
    private static JsonNode mgmt(String path) {
        for (int k = 1; k <= NODES.size(); k++) {
            Http.Reply r = Http.call("GET", management(k) + path, null, Duration.ofSeconds(5),
                    Map.of("Authorization", ADMIN));
            if (r.ok() && r.json() != null) {
                return r.json();
            }
        }
        throw new IllegalStateException("no management API answers for " + path);
    }

    /** Learner id -> node leading its queue. */
    private static Map<String, String> leaders() {
        Map<String, String> out = new TreeMap<>();
        for (String l : LEARNERS) {
            out.put(l, mgmt("/queues/ml/" + PREFIX + ".learner." + l).get("leader").asString());
        }
        return out;
    }

    private static List<String> onlineMembers(String learner) {
        List<String> out = new ArrayList<>();
        mgmt("/queues/ml/" + PREFIX + ".learner." + learner).get("online").forEach(n -> out.add(n.asString()));
        return out;
    }

    private static List<String> runningNodes() {
        List<String> out = new ArrayList<>();
        for (JsonNode n : mgmt("/nodes")) {
            if (n.get("running").asBoolean()) {
                out.add(n.get("name").asString());
            }
        }
        return out;
    }

    private static String leaderOfMostLearnerQueues() {
        Map<String, Long> count = new TreeMap<>();
        leaders().values().forEach(n -> count.merge(n, 1L, Long::sum));
        String leader = count.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        for (String b : NODES) {
            if (node(b).equals(leader)) {
                return b;
            }
        }
        throw new IllegalStateException("unknown leader node " + leader);
    }

    private double[] batch() {
        Http.Reply r = Api.predict(lb(), model, rows.all(), PREDICT_DEADLINE);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.used()).isEqualTo(4);
        JsonNode p = r.json().get("Predictions");
        double[] out = new double[p.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.get(i).asDouble();
        }
        return out;
    }

    /** 200s with all four members whose value is not the batch answer for their own row. */
    private long wrongAnswers(List<LoadGenerator.Sample> samples) {
        return samples.stream().filter(s -> s.reply().ok() && s.reply().used() == 4)
                .filter(s -> Math.abs(s.reply().json().get("Prediction").asDouble() - fourMembers[(int) s.tag()])
                        > TOLERANCE * Math.max(1, Math.abs(fourMembers[(int) s.tag()])))
                .count();
    }

    /** From the fault to the start of the first 200 after the last failure; 0 when none failed. */
    private static Long recoveryMs(List<LoadGenerator.Sample> samples, long faultAtMs) {
        long lastFailure = samples.stream().filter(s -> !s.reply().ok() && s.startedAtMs() >= faultAtMs - 5_000)
                .mapToLong(LoadGenerator.Sample::startedAtMs).max().orElse(-1);
        if (lastFailure < 0) {
            return 0L;
        }
        return samples.stream().filter(s -> s.reply().ok() && s.startedAtMs() > lastFailure)
                .mapToLong(LoadGenerator.Sample::startedAtMs).min().stream().map(t -> t - faultAtMs).boxed()
                .findFirst().orElse(null);
    }

    private Connection connect(int k, String name) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(BROKER_PORT_BASE + k);
        f.setVirtualHost("ml");
        f.setUsername("ml-admin");
        f.setPassword("ml-admin-dev");
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(3000);
        return f.newConnection(name);
    }

    private Shell.Result mlcluster(Duration timeout, String... args) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ML_RUN_DIR", runDir.toString());
        env.put("ML_DATA_DIR", repo.resolve("data").toString());
        env.put("ML_PREFIX", PREFIX);
        env.put("ML_BROKER_NODE_PREFIX", NODE_PREFIX);
        env.put("ML_BROKER_PORT_BASE", Integer.toString(BROKER_PORT_BASE));
        env.put("ML_LB_MAIN_PORT", Integer.toString(LB_PORT));
        env.put("ML_LB_BACKUP_PORT", Integer.toString(LB_PORT + 1));
        env.put("ML_API_1_PORT", Integer.toString(API_PORT_BASE + 1));
        env.put("ML_API_2_PORT", Integer.toString(API_PORT_BASE + 2));
        env.put("ML_LEARNER_PORT_BASE", Integer.toString(LEARNER_PORT_BASE));
        env.put("ML_SKIP_BUILD", "1");
        // no class-data archive: training one per run folder costs ~50 s, more than it saves here
        env.put("ML_JVM_CDS", "0");
        env.put("ML_UP_TIMEOUT", "240");
        env.put("ML_STOP_TIMEOUT", "30");
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/mlcluster").toString()));
        cmd.addAll(List.of(args));
        Shell.Result r = Shell.run(timeout, env, repo, cmd);
        E2eCluster.log("mlcluster %s: exit %d in %d ms", String.join(" ", args), r.exitCode(), r.millis());
        return r;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
