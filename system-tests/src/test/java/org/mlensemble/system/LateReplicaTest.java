package org.mlensemble.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.ApiApplication;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Topology;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.mlensemble.learner.LearnerApplication;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A replica that joins later gets its shard's members and data from a peer, with no user action:
 * learner X holds the repository's {@code house_pricing} and a fitted model; learner Y of the same
 * shard starts with an empty data folder and an empty model folder. Its own api and learners under
 * their own prefix, so the shared {@link Cluster}'s learners of shard A are not its peers.
 */
class LateReplicaTest {

    private static final String X = "replica-x";
    private static final String Y = "replica-y";

    private static final String prefix = "sy" + UUID.randomUUID().toString().substring(0, 8);
    private static final Broker broker = Broker.get();
    private static final Map<String, ConfigurableApplicationContext> learners = new LinkedHashMap<>();
    private static ConfigurableApplicationContext api;
    private static Path root;

    @BeforeAll
    static void startApiAndX() throws IOException {
        root = Files.createTempDirectory("ml-sync-it-");
        copyTree(Path.of("..", "data", "house_pricing"), root.resolve("x/data/house_pricing"));
        api = ApiApplication.builder().run(args("server.port=0", "management.server.port=0", "ml.api.liveness=2500ms"));
        startLearner(X, root.resolve("x"));
    }

    @AfterAll
    static void stopAll() {
        List.copyOf(learners.keySet()).forEach(LateReplicaTest::stopLearner);
        if (api != null) {
            RabbitAdmin admin = new RabbitAdmin(api.getBean(ConnectionFactory.class));
            Topology t = new Topology(prefix);
            admin.deleteQueue(t.learnerQueue(X));
            admin.deleteQueue(t.learnerQueue(Y));
            admin.deleteQueue(t.deadLetterQueue());
            admin.deleteExchange(t.jobsExchange());
            admin.deleteExchange(t.deadLetterExchange());
            admin.deleteExchange(t.presenceExchange());
            admin.deleteExchange(t.syncExchange());
            api.close();
        }
    }

    @Test
    void aLearnerStartedWithAnEmptyDiskCopiesItsShardFromAReplicaBeforeItAnnounces() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> liveLearners().contains(X));
        Http.Response fit = Http.post(api("/v1/ml-distributed/fit"),
                "{\"algorithm\": \"forest\", \"params\": {\"trees\": 25}, \"seed\": 11}");
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        String modelId = fit.body().get("modelId").asString();
        Http.Response boosted = Http.post(api("/v1/ml-distributed/fit"), "{\"algorithm\": \"boosted\", \"seed\": 11}");
        assertThat(boosted.status()).as(boosted.toString()).isEqualTo(200);
        String boostedId = boosted.body().get("modelId").asString();
        String rows = Http.json(testRows(5));
        Http.Response byX = Http.post(api("/v1/ml-distributed/predict?modelId=" + modelId), rows);
        Http.Response boostedByX = Http.post(api("/v1/ml-distributed/predict?modelId=" + boostedId), rows);
        assertThat(boostedByX.status()).as(boostedByX.toString()).isEqualTo(200);
        assertThat(byX.status()).as(byX.toString()).isEqualTo(200);
        assertThat(byX.body().at("/members/used").asInt()).isEqualTo(1);

        List<Heartbeat> heardFromY = new CopyOnWriteArrayList<>();
        try (Channel presence = listen(heardFromY)) {
            startLearner(Y, root.resolve("y"));
            await().atMost(Duration.ofSeconds(60)).until(() -> !heardFromY.isEmpty());
        }

        assertThat(heardFromY.get(0).members()).as("Y's first heartbeat").extracting(MemberInfo::modelId)
                .containsExactlyInAnyOrder(modelId, boostedId);
        assertThat(heardFromY.get(0).members().get(0).learnerId()).isEqualTo(Y);
        Path xModel = root.resolve("x/models").resolve(X).resolve(modelId);
        Path yModel = root.resolve("y/models").resolve(Y).resolve(modelId);
        assertThat(sha256(yModel.resolve("member.ubj"))).isEqualTo(sha256(xModel.resolve("member.ubj")));
        Path xBoosted = root.resolve("x/models").resolve(X).resolve(boostedId);
        Path yBoosted = root.resolve("y/models").resolve(Y).resolve(boostedId);
        assertThat(sha256(yBoosted.resolve("member.ubj"))).isEqualTo(sha256(xBoosted.resolve("member.ubj")));
        for (String file : List.of("A/data.csv", "test/data.csv")) {
            assertThat(sha256(root.resolve("y/data/house_pricing").resolve(file))).as(file)
                    .isEqualTo(sha256(root.resolve("x/data/house_pricing").resolve(file)));
        }
        assertThat(root.resolve("y/data/house_pricing/B")).doesNotExist();
        String metrics = Http.getText(learnerUrl(Y, "/actuator/prometheus"));
        assertThat(metrics).contains("ml_learner_sync_seconds_count").contains("ml_learner_sync_fetched_bytes_total");
        Http.Response health = Http.get(learnerUrl(Y, "/actuator/health/sync"));
        assertThat(health.body().at("/components/replicaSync/details/members").asString()).as(health.toString()).isEqualTo("2/2");
        assertThat(health.body().at("/components/replicaSync/details/phase").asString()).isEqualTo("done");

        // with X gone, Y alone answers: the same predictions
        stopLearner(X);
        await().atMost(Duration.ofSeconds(10)).until(() -> !liveLearners().contains(X));
        Http.Response byY = Http.post(api("/v1/ml-distributed/predict?modelId=" + modelId), rows);
        assertThat(byY.status()).as(byY.toString()).isEqualTo(200);
        assertThat(byY.body().at("/members/used").asInt()).isEqualTo(1);
        assertThat(byY.body().get("Predictions")).isEqualTo(byX.body().get("Predictions"));
        Http.Response boostedByY = Http.post(api("/v1/ml-distributed/predict?modelId=" + boostedId), rows);
        assertThat(boostedByY.status()).as(boostedByY.toString()).isEqualTo(200);
        assertThat(boostedByY.body().get("Predictions")).isEqualTo(boostedByX.body().get("Predictions"));
    }

    private static Channel listen(List<Heartbeat> heardFromY) throws IOException {
        Channel ch = api.getBean(ConnectionFactory.class).createConnection().getDelegate().createChannel();
        String queue = ch.queueDeclare("", false, true, true, null).getQueue();
        ch.queueBind(queue, new Topology(prefix).presenceExchange(), "");
        ch.basicConsume(queue, true, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body) {
                Heartbeat hb = MessageCodec.decode(body, Heartbeat.class);
                if (hb.learnerId().equals(Y) && !hb.leaving()) {
                    heardFromY.add(hb);
                }
            }
        });
        return ch;
    }

    private static List<String> liveLearners() {
        List<String> live = new ArrayList<>();
        for (JsonNode l : Http.get(api("/v1/ml-distributed/learners")).body()) {
            if (l.get("alive").asBoolean()) {
                live.add(l.get("learnerId").asString());
            }
        }
        return live;
    }

    private static Map<String, List<Object>> testRows(int n) throws IOException {
        Table test = CsvReader.read(root.resolve("x/data/house_pricing/test/data.csv"));
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (int c = 0; c < test.header().size(); c++) {
            if (test.header().get(c).equals("SalePrice")) {
                continue;
            }
            List<Object> values = new ArrayList<>();
            for (String[] r : test.rows().subList(0, n)) {
                values.add(Table.isMissing(r[c]) ? null : r[c]);
            }
            columns.put(test.header().get(c), values);
        }
        return columns;
    }

    private static synchronized void startLearner(String id, Path dir, String... extra) {
        List<String> own = new ArrayList<>(List.of("server.port=0", "ml.learner.id=" + id, "ml.learner.shard=A",
                "ml.learner.data-dir=" + dir.resolve("data"), "ml.learner.model-dir=" + dir.resolve("models"),
                "ml.learner.heartbeat-interval=500ms", "ml.learner.queue-expiry=10m"));
        own.addAll(List.of(extra));
        learners.put(id, LearnerApplication.builder().run(args(own.toArray(String[]::new))));
    }

    private static synchronized void stopLearner(String id) {
        ConfigurableApplicationContext ctx = learners.remove(id);
        if (ctx != null) {
            ctx.close();
        }
    }

    private static String learnerUrl(String id, String path) {
        return "http://127.0.0.1:" + learners.get(id).getEnvironment().getProperty("local.management.port") + path;
    }

    private static String api(String path) {
        return "http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port") + path;
    }

    private static String[] args(String... own) {
        List<String> all = new ArrayList<>(List.of("--ml.prefix=" + prefix, "--spring.rabbitmq.host=" + broker.host(),
                "--spring.rabbitmq.port=" + broker.port(), "--spring.rabbitmq.username=" + broker.username(),
                "--spring.rabbitmq.password=" + broker.password(), "--ml.identity.learner-user=" + broker.username(),
                "--ml.identity.api-users=" + broker.username(), "--logging.level.root=WARN",
                "--logging.level.org.mlensemble=INFO"));
        for (String p : own) {
            all.add("--" + p);
        }
        return all.toArray(String[]::new);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            md.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
