package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The learners on machines of their own. Each learner runs in its own network namespace (see
 * {@link Netns}) with its own data and model folders, and reaches nothing but RabbitMQ, through a
 * {@link TcpForwarder} on the bridge address: the only path between a learner and the broker is its
 * veth. One api instance runs in the root namespace. The learners start with empty disks: the
 * dataset arrives through the api's upload, over the broker. Then one machine's link goes down and
 * comes back, and the api must drop it, keep answering with the others, and take it back. Last, a
 * fourth machine with an empty disk joins as a replica of a shard, copies that shard's members and
 * dataset files from its peer, and serves the shard when the peer's link goes down.
 * <p>
 * Its own small topology, vhost and broker prefix, independent of the shared {@link E2eCluster}:
 * it neither needs nor disturbs the other scenarios. Skipped when not root or without
 * {@code ip netns}.
 */
@Order(0)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossHostTest {

    private static final int LEARNERS = 3;
    /** The fourth machine: joins after the fit as a second replica of learner-1's shard. */
    private static final String JOINER = "learner-4";
    private static final String JOINER_PEER = "learner-1";
    private static final List<String> SHARDS = List.of("A", "B", "C", "D");
    private static final String SUBNET = "10.251.7";
    private static final String VHOST = "ml-e2e-xhost";
    private static final String PREFIX = "mlx";
    private static final int API_PORT = 19301;
    /** The uploaded dataset's name; its rows are the repository's generated {@code data/house_pricing} shards. */
    private static final String DATASET = "xhost_houses";
    private static final String TARGET = "SalePrice";
    private static final String FIT_BODY = "{\"dataset\":\"" + DATASET + "\",\"target\":\"" + TARGET
            + "\",\"algorithm\":\"linear\",\"quorum\":" + LEARNERS + ",\"deadlineMs\":%d}";
    /** Above the api's store deadline (ml.api.datasets.store-deadline, 120 s), which answers 503 itself. */
    private static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(150);
    private static final Pattern SYNC_LINE = Pattern.compile(
            "sync (done(?: with failures)?) in (\\d+) ms: (\\d+) peer\\(s\\), (\\d+) member\\(s\\) and (\\d+) dataset file\\(s\\) copied");
    // the project's development password of ml-api (rabbitmq/README.md); each learner gets its own user
    private static final String API_PASSWORD = "ml-api-dev";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration FIT_DEADLINE = Duration.ofSeconds(60);
    private static final Duration EVALUATE_DEADLINE = Duration.ofSeconds(20);
    private static final Duration PREDICT_DEADLINE = Duration.ofSeconds(2);
    /** Presence drops a learner unheard for 3.5 s (ml.api.liveness); anything near this is a failure. */
    private static final Duration LOSS_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(120);
    private static final double R2_FLOOR = 0.6;
    /**
     * The learners' AMQP heartbeat (docs/scaling.md): a learner and the broker give up a connection
     * after two missed heartbeats. Short here so that a long partition outlives it within the test.
     */
    private static final Duration AMQP_HEARTBEAT = Duration.ofSeconds(5);
    private static final Duration CONNECTION_LOSS_TIMEOUT = Duration.ofSeconds(60);
    private static final String MARKER = "-Dmlx.cross-host=";

    private Path repo;
    private Path learnerJar;
    private Path work;
    private Broker broker;
    private Netns net;
    private TcpForwarder forwarder;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Netns.Host> hostOf = new LinkedHashMap<>();
    private String api;
    private String model;
    private String predictRow;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    @BeforeAll
    void startTheMachines() throws IOException {
        String reason = Netns.unavailableReason();
        assumeTrue(reason == null, reason);
        repo = Path.of(System.getProperty("e2e.repo", "..")).toAbsolutePath().normalize();
        Path target = Path.of(System.getProperty("e2e.target", "target")).toAbsolutePath().normalize();
        work = target.resolve("cross-host");
        learnerJar = repo.resolve("learner-worker/target/learner-worker-exec.jar");
        Path apiJar = repo.resolve("api/target/api-exec.jar");
        assertThat(learnerJar).as("build the jars first: ./mvnw -pl e2e-tests -am verify").isRegularFile();
        assertThat(apiJar).as("build the jars first: ./mvnw -pl e2e-tests -am verify").isRegularFile();

        killLeftovers();
        E2eCluster.deleteTree(work);
        Files.createDirectories(work);
        broker = new Broker(repo, VHOST, PREFIX, PREFIX + "-tester");
        broker.prepare();
        net = Netns.create(LEARNERS + 1, SUBNET);
        forwarder = TcpForwarder.start(net.bridgeAddress(), new InetSocketAddress(Broker.HOST, Broker.PORT));
        E2eCluster.log("cross-host: %d namespaces on %s.0/24, broker forwarded at %s:%d", LEARNERS + 1, SUBNET,
                net.bridgeAddress(), forwarder.port());

        api = "http://127.0.0.1:" + API_PORT;
        processes.put("api", start("api", null, List.of("java", "-XX:+UseSerialGC", "-Xmx128m", "-jar",
                apiJar.toString(), "--server.port=" + API_PORT, "--server.address=127.0.0.1", "--ml.prefix=" + PREFIX,
                "--spring.rabbitmq.host=" + Broker.HOST, "--spring.rabbitmq.port=" + Broker.PORT,
                "--spring.rabbitmq.virtual-host=" + VHOST, "--spring.rabbitmq.username=ml-api",
                "--ml.identity.learner-user=" + PREFIX + "-learner-{id}"), API_PASSWORD));
        for (int i = 1; i <= LEARNERS; i++) {
            startLearner("learner-" + i, net.hosts().get(i - 1), SHARDS.get(i - 1));
        }
        long t0 = System.nanoTime();
        await("the api sees every learner alive").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().failFast("a JVM exited", () -> processes.values().stream().anyMatch(p -> !p.isAlive()))
                .until(() -> Api.liveLearners(api).containsAll(hostOf.keySet()));
        figures.put("startToAllAliveS", seconds(t0));
        predictRow = Rows.testRows(repo, 1).one(0);
    }

    /** Starts one learner JVM in {@code host}'s namespace, with empty data and model folders of its own. */
    private void startLearner(String id, Netns.Host host, String shard) throws IOException {
        hostOf.put(id, host);
        Path machine = work.resolve(id);
        Path data = machine.resolve("data");
        Path models = machine.resolve("models");
        Files.createDirectories(data);
        Files.createDirectories(models);
        processes.put(id, start(id, host, List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xmx256m", "-jar", learnerJar.toString(), "--server.port=19201", "--server.address=127.0.0.1",
                "--ml.prefix=" + PREFIX, "--ml.learner.id=" + id, "--ml.learner.shard=" + shard,
                "--ml.learner.data-dir=" + data, "--ml.learner.model-dir=" + models,
                "--spring.rabbitmq.host=" + net.bridgeAddress(), "--spring.rabbitmq.port=" + forwarder.port(),
                "--spring.rabbitmq.virtual-host=" + VHOST, "--spring.rabbitmq.username=" + PREFIX + "-learner-" + id,
                "--ml.identity.learner-user=" + PREFIX + "-learner-{id}",
                "--spring.rabbitmq.requested-heartbeat=" + AMQP_HEARTBEAT.toSeconds() + "s"),
                broker.learnerUser(PREFIX + "-learner-" + id, id)));
    }

    /**
     * The dataset as a user would upload it: the rows of the repository's generated
     * {@code data/house_pricing} shards A..D, concatenated under one header.
     */
    private String datasetCsv() throws IOException {
        StringBuilder csv = new StringBuilder();
        for (String part : SHARDS) {
            List<String> lines = Files.readAllLines(repo.resolve("data/house_pricing").resolve(part).resolve("data.csv"));
            if (csv.isEmpty()) {
                csv.append(lines.get(0)).append('\n');
            }
            lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).forEach(l -> csv.append(l).append('\n'));
        }
        return csv.toString();
    }

    @Test
    @Order(1)
    void everyMachineReachesTheBrokerOnlyThroughItsOwnLink() {
        for (Netns.Host h : net.hosts()) {
            // the broker listens on the root namespace's loopback only: a machine cannot reach it there
            Shell.Result direct = Shell.run(Duration.ofSeconds(10), Map.of(), work,
                    Netns.inside(h, List.of("bash", "-c", "exec 3<>/dev/tcp/" + Broker.HOST + "/" + Broker.PORT)));
            assertThat(direct.ok()).as(h.namespace() + " reaching 127.0.0.1:5672 directly").isFalse();
        }
        assertThat(forwarder.accepted()).as("AMQP connections through the forwarder").isGreaterThanOrEqualTo(LEARNERS);
        assertThat(Api.liveLearners(api)).containsExactlyInAnyOrderElementsOf(hostOf.keySet());
    }

    @Test
    @Order(2)
    void aDatasetUploadedThroughTheApiReachesEveryEmptyMachine() throws IOException {
        for (String id : hostOf.keySet()) {
            assertThat(work.resolve(id).resolve("data")).as(id + "'s data folder before the upload").isEmptyDirectory();
        }
        String csv = datasetCsv();
        long rows = csv.lines().count() - 1;
        Http.Reply upload = Api.uploadDataset(api, DATASET, TARGET, csv, UPLOAD_TIMEOUT);
        assertThat(upload.status()).as(upload.toString()).isEqualTo(200);
        figures.put("uploadRows", rows);
        figures.put("uploadBytes", csv.length());
        figures.put("uploadMs", upload.latencyMs());
        figures.put("uploadStoreMs", upload.json().get("timings").get("storeMs").asLong());
        JsonNode shards = upload.json().get("shards");
        assertThat(shards).as(upload.toString()).hasSize(LEARNERS);
        long stored = upload.json().get("test").get("rows").asLong();
        assertThat(stored).as("test rows: " + upload).isPositive();
        assertThat(Json.strings(upload.json().get("test").get("learners"))).as(upload.toString()).isNotEmpty();
        for (int i = 0; i < LEARNERS; i++) {
            String id = "learner-" + (i + 1);
            JsonNode part = shards.get(i);
            assertThat(part.get("part").asString()).as(upload.toString()).isEqualTo(SHARDS.get(i));
            assertThat(part.get("rows").asLong()).as(upload.toString()).isPositive();
            // the learner of that shard letter confirmed it, and the part is on its own disk only
            assertThat(Json.strings(part.get("learners"))).as(upload.toString()).containsExactly(id);
            stored += part.get("rows").asLong();
            Path dataset = work.resolve(id).resolve("data").resolve(DATASET);
            assertThat(dataset.resolve(SHARDS.get(i)).resolve("data.csv")).as(id + "'s shard").isNotEmptyFile();
            assertThat(dataset.resolve("test").resolve("data.csv")).as(id + "'s test part").isNotEmptyFile();
            assertThat(dataset.toFile().list()).as("parts on " + id + "'s disk")
                    .containsExactlyInAnyOrder(SHARDS.get(i), "test");
        }
        assertThat(stored).as("every row in exactly one part").isEqualTo(rows);
        E2eCluster.log("cross-host: %d rows uploaded in %d ms (store %d ms)", rows, upload.latencyMs(),
                upload.json().get("timings").get("storeMs").asLong());
    }

    @Test
    @Order(3)
    void fitEvaluateAndPredictUseEveryMachine() {
        Http.Reply fit = Api.fit(api, FIT_BODY.formatted(FIT_DEADLINE.toMillis()), FIT_DEADLINE);
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.used()).as(fit.toString()).isEqualTo(LEARNERS);
        model = fit.json().get("modelId").asString();
        figures.put("fitMs", fit.latencyMs());
        for (String id : hostOf.keySet()) {
            // each machine persisted its member in its own folder, and nobody else's
            Path models = work.resolve(id).resolve("models");
            assertThat(models.resolve(id)).as(id + "'s model folder").isNotEmptyDirectory();
            assertThat(models.toFile().list()).as("folders in " + models).containsExactly(id);
        }

        Http.Reply evaluate = Api.evaluate(api, model, EVALUATE_DEADLINE);
        assertThat(evaluate.status()).as(evaluate.toString()).isEqualTo(200);
        assertThat(evaluate.used()).as(evaluate.toString()).isEqualTo(LEARNERS);
        double r2 = evaluate.json().get("r2").asDouble();
        assertThat(r2).as(evaluate.toString()).isGreaterThan(R2_FLOOR);
        figures.put("r2", r2);

        Http.Reply predict = Api.predict(api, model, predictRow, PREDICT_DEADLINE);
        assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        assertThat(predict.used()).as(predict.toString()).isEqualTo(LEARNERS);
        assertThat(predict.missing()).as(predict.toString()).isEmpty();
        figures.put("predictMs", predict.latencyMs());
    }

    @Test
    @Order(4)
    void aMachineCutOffBrieflyIsDroppedAndTheOthersStillAnswer() {
        assumeTrue(model != null, "the fit ran");
        String victim = "learner-2";
        long t0 = System.nanoTime();
        net.linkDown(hostOf.get(victim));
        await(victim + " no longer alive").atMost(LOSS_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> !Api.liveLearners(api).contains(victim));
        double lossS = seconds(t0);
        figures.put("lossDetectedS", lossS);
        E2eCluster.log("cross-host: %s cut off, dropped by the api after %.1f s", victim, lossS);

        Http.Reply predict = Api.predict(api, model, predictRow, PREDICT_DEADLINE);
        assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
        assertThat(predict.used()).as(predict.toString()).isEqualTo(LEARNERS - 1);
        assertThat(predict.missing()).as(predict.toString()).isNotEmpty();
        assertThat(predict.latencyMs()).as("answered within its deadline").isLessThan(
                PREDICT_DEADLINE.plus(Api.SLACK).toMillis());
        figures.put("predictWithoutItMs", predict.latencyMs());
        assertThat(processes.get(victim).isAlive()).as(victim + " only lost its link, it still runs").isTrue();
    }

    @Test
    @Order(5)
    void aMachineBackOnlineAfterABriefCutRejoinsOnItsOpenConnection() {
        assumeTrue(figures.containsKey("lossDetectedS"), "the link went down");
        String victim = "learner-2";
        int connectionsBefore = forwarder.accepted();
        long t0 = System.nanoTime();
        net.linkUp(hostOf.get(victim));
        await(victim + " alive again").atMost(REJOIN_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> Api.liveLearners(api).contains(victim));
        double rejoinS = seconds(t0);
        figures.put("rejoinS", rejoinS);
        figures.put("newAmqpConnectionsOnRejoin", forwarder.accepted() - connectionsBefore);
        figures.put("learnerConnectionsOpen", forwarder.openFrom(hostOf.get(victim).address()));
        E2eCluster.log("cross-host: %s back online, alive again after %.1f s (%d new AMQP connections)", victim,
                rejoinS, forwarder.accepted() - connectionsBefore);

        Http.Reply[] last = new Http.Reply[1];
        await("predicts use every member again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    last[0] = Api.predict(api, model, predictRow, PREDICT_DEADLINE);
                    return last[0].ok() && last[0].used() == LEARNERS;
                });
        figures.put("fullEnsembleAgainS", seconds(t0));
        assertThat(last[0].missing()).as(last[0].toString()).isEmpty();
    }

    /**
     * A partition longer than the AMQP heartbeat timeout: the broker gives the learner's connection
     * up, and the learner must open a new one (and consume its queue again) once the link is back.
     */
    @Test
    @Order(6)
    void aMachineCutOffPastTheHeartbeatTimeoutReconnectsAndRejoins() {
        assumeTrue(model != null, "the fit ran");
        String victim = "learner-3";
        Netns.Host host = hostOf.get(victim);
        assertThat(forwarder.openFrom(host.address())).as("open AMQP connections of " + victim).isPositive();
        int connectionsBefore = forwarder.accepted();
        long t0 = System.nanoTime();
        net.linkDown(host);
        await(victim + " no longer alive").atMost(LOSS_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> !Api.liveLearners(api).contains(victim));
        figures.put("longCutLossDetectedS", seconds(t0));
        Http.Reply degraded = Api.predict(api, model, predictRow, PREDICT_DEADLINE);
        assertThat(degraded.status()).as(degraded.toString()).isEqualTo(200);
        assertThat(degraded.used()).as(degraded.toString()).isEqualTo(LEARNERS - 1);
        await("the broker gives up " + victim + "'s connections").atMost(CONNECTION_LOSS_TIMEOUT)
                .pollInterval(Duration.ofMillis(200)).until(() -> forwarder.openFrom(host.address()) == 0);
        double brokerGaveUpS = seconds(t0);
        figures.put("longCutBrokerClosedConnectionS", brokerGaveUpS);
        E2eCluster.log("cross-host: %s cut off; its AMQP connections closed by the broker after %.1f s", victim,
                brokerGaveUpS);

        long t1 = System.nanoTime();
        net.linkUp(host);
        await(victim + " alive again").atMost(REJOIN_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> Api.liveLearners(api).contains(victim));
        double rejoinS = seconds(t1);
        int reconnects = forwarder.accepted() - connectionsBefore;
        figures.put("longCutRejoinS", rejoinS);
        figures.put("longCutNewAmqpConnections", reconnects);
        E2eCluster.log("cross-host: %s back online after %.1f s down, alive again after %.1f s (%d new AMQP connections)",
                victim, brokerGaveUpS, rejoinS, reconnects);
        assertThat(reconnects).as("the learner opened a new connection").isPositive();

        Http.Reply[] last = new Http.Reply[1];
        await("predicts use every member again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    last[0] = Api.predict(api, model, predictRow, PREDICT_DEADLINE);
                    return last[0].ok() && last[0].used() == LEARNERS;
                });
        figures.put("longCutFullEnsembleAgainS", seconds(t1));
        assertThat(last[0].missing()).as(last[0].toString()).isEmpty();
        // a fit after the reconnect reaches the learner through its queue again
        Http.Reply fit = Api.fit(api, FIT_BODY.formatted(FIT_DEADLINE.toMillis()), FIT_DEADLINE);
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.used()).as(fit.toString()).isEqualTo(LEARNERS);
    }

    /**
     * A fourth machine with an empty disk joins as a second replica of learner-1's shard, after the
     * fits. It copies the shard's members and dataset files from learner-1 before it announces
     * itself, so its first heartbeat already lists the model and the dataset; with learner-1's link
     * down it serves the shard.
     */
    @Test
    @Order(7)
    void aMachineJoiningWithAnEmptyDiskSyncsFromItsPeerAndServesItsShard() throws IOException {
        assumeTrue(model != null, "the fit ran");
        String shard = SHARDS.get(0);
        long t0 = System.nanoTime();
        startLearner(JOINER, net.hosts().get(LEARNERS), shard);
        JsonNode[] first = new JsonNode[1];
        await(JOINER + " heard by the api").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().failFast(JOINER + " exited", () -> !processes.get(JOINER).isAlive())
                .until(() -> {
                    first[0] = Api.learner(api, JOINER).orElse(null);
                    return first[0] != null;
                });
        double joinS = seconds(t0);
        figures.put("joinerStartToFirstHeartbeatS", joinS);
        // its first heartbeat: already the member of the model and the shard's dataset files
        JsonNode seen = first[0];
        assertThat(seen.get("shard").asString()).isEqualTo(shard);
        List<String> members = new ArrayList<>();
        seen.get("held").forEach(m -> members.add(m.get("modelId").asString()));
        assertThat(members).as("members in " + JOINER + "'s first heartbeat: " + seen).contains(model);
        JsonNode dataset = null;
        for (JsonNode d : seen.get("datasets")) {
            if (DATASET.equals(d.get("dataset").asString())) {
                dataset = d;
            }
        }
        assertThat(dataset).as("datasets in " + JOINER + "'s first heartbeat: " + seen).isNotNull();
        assertThat(dataset.get("shard").asString()).isEqualTo(shard);
        assertThat(dataset.get("rows").asLong()).isPositive();
        assertThat(dataset.get("hasTest").asBoolean()).isTrue();
        assertThat(Api.holders(api, model)).as("holders of " + model).contains(JOINER, JOINER_PEER);
        Path disk = work.resolve(JOINER);
        assertThat(disk.resolve("data").resolve(DATASET).resolve(shard).resolve("data.csv")).isNotEmptyFile();
        assertThat(disk.resolve("models").resolve(JOINER)).isNotEmptyDirectory();
        Matcher sync = SYNC_LINE.matcher(Files.readString(work.resolve(JOINER + ".log")));
        assertThat(sync.find()).as("the sync summary in " + JOINER + ".log").isTrue();
        figures.put("joinerSyncMs", Long.parseLong(sync.group(2)));
        figures.put("joinerMembersCopied", Integer.parseInt(sync.group(4)));
        figures.put("joinerDatasetFilesCopied", Integer.parseInt(sync.group(5)));
        assertThat(Integer.parseInt(sync.group(4))).as(sync.group()).isPositive();
        assertThat(Integer.parseInt(sync.group(5))).as(sync.group()).isPositive();
        E2eCluster.log("cross-host: %s heard %.1f s after its start: %s", JOINER, joinS, sync.group());

        // the peer's link goes down: the shard is served by the machine that just joined
        Netns.Host peer = hostOf.get(JOINER_PEER);
        long t1 = System.nanoTime();
        net.linkDown(peer);
        try {
            await(JOINER_PEER + " no longer alive").atMost(LOSS_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> !Api.liveLearners(api).contains(JOINER_PEER));
            figures.put("peerLossDetectedS", seconds(t1));
            Http.Reply predict = Api.predict(api, model, predictRow, PREDICT_DEADLINE);
            assertThat(predict.status()).as(predict.toString()).isEqualTo(200);
            assertThat(predict.used()).as("every shard answered: " + predict).isEqualTo(LEARNERS);
            assertThat(predict.missing()).as(predict.toString()).isEmpty();
            assertThat(predict.json().get("members").get("servedBy").get(shard).asString()).as(predict.toString())
                    .isEqualTo(JOINER);
            figures.put("predictServedByJoinerMs", predict.latencyMs());
        } finally {
            net.linkUp(peer);
        }
        await(JOINER_PEER + " alive again").atMost(REJOIN_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> Api.liveLearners(api).contains(JOINER_PEER));
        figures.put("peerRejoinS", seconds(t1));
    }

    @AfterAll
    void tearDown() {
        try {
            if (!figures.isEmpty()) {
                String json = Json.write(figures);
                System.out.println("CROSS-HOST " + json);
                Path dir = work.getParent().resolve("reliability");
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("8-cross-host.json"), json + "\n");
            }
        } catch (IOException | RuntimeException e) {
            E2eCluster.log("cannot write the cross-host figures: %s", e);
        }
        stopAll();
        if (forwarder != null) {
            forwarder.close();
        }
        if (net != null) {
            net.close();
        }
        if (broker != null) {
            broker.cleanup();
        }
    }

    // ------------------------------------------------------------------ processes

    /** Starts one JVM, in {@code host}'s namespace when given, logging to {@code <work>/<name>.log}. */
    private Process start(String name, Netns.Host host, List<String> command, String rabbitPassword) {
        List<String> cmd = host == null ? command : Netns.inside(host, command);
        List<String> withMarker = new ArrayList<>(cmd);
        // -D before -jar: lets a leftover JVM of an aborted run be recognised by its command line
        withMarker.add(withMarker.indexOf("java") + 1, MARKER + name);
        ProcessBuilder pb = new ProcessBuilder(withMarker).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("ML_") || k.startsWith("SPRING_"));
        // the password through the environment, not the command line (as bin/mlcluster does)
        pb.environment().put("SPRING_APPLICATION_JSON",
                "{\"spring\":{\"rabbitmq\":{\"password\":\"" + rabbitPassword + "\"}}}");
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        try {
            Process p = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "cross-host-kill-" + name));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** JVMs an aborted run left behind (recognised by the marker {@link #start} puts on their command line). */
    private static void killLeftovers() {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(" " + MARKER)).orElse(false))
                .forEach(p -> {
                    E2eCluster.log("cross-host: killing leftover %s", p.info().commandLine().orElse("?"));
                    p.destroyForcibly();
                });
    }

    private void stopAll() {
        processes.values().forEach(Process::destroy);
        for (Map.Entry<String, Process> e : processes.entrySet()) {
            try {
                if (!e.getValue().waitFor(20, TimeUnit.SECONDS)) {
                    E2eCluster.log("cross-host: %s did not stop in 20 s, killing it", e.getKey());
                    e.getValue().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                e.getValue().destroyForcibly();
            }
        }
        processes.clear();
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }
}
