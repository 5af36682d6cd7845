package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.ReplyStatus;

/**
 * The broker-side attacks of docs/security.md, played with a stolen learner login: learner-3's own
 * broker user and password, as {@code bin/mlcluster} generated them into the run folder. Each test
 * is the attack; it passes when the attack changes nothing.
 */
@Order(7)
class BrokerForgeryTest extends ClusterTest {

    private static final String JOBS = RawJobs.JOBS;
    private static final String PRESENCE = Broker.PREFIX + ".presence";
    private static final String DEAD_LETTERS = Broker.PREFIX + ".dead-letter";
    private static final String THIEF = "learner-3";
    private static final String THIEF_USER = "ml-learner-" + THIEF;

    private Connection stolenLogin(String name) throws Exception {
        String password = Files.readString(cluster.runDir.resolve("secrets").resolve("rabbit-" + THIEF)).strip();
        return cluster.broker.connectAs(name, THIEF_USER, password);
    }

    @Test
    @Order(1)
    void aLearnerLoginCannotDeclareOrBindAQueueToSniffJobs() throws Exception {
        try (Connection conn = stolenLogin("e2e-sniffer")) {
            for (String queue : List.of(Broker.PREFIX + ".learner.spy", "")) {
                Channel ch = conn.createChannel();
                assertThatThrownBy(() -> ch.queueDeclare(queue, false, true, true, null)).as("declare '" + queue + "'")
                        .isInstanceOf(IOException.class).hasStackTraceContaining("ACCESS_REFUSED");
            }
            // nor bind another learner's queue, nor publish jobs
            Channel ch = conn.createChannel();
            assertThatThrownBy(() -> ch.queueBind(Broker.PREFIX + ".learner.learner-1", JOBS, "spy"))
                    .isInstanceOf(IOException.class).hasStackTraceContaining("ACCESS_REFUSED");
            Channel pub = conn.createChannel();
            pub.confirmSelect();
            pub.basicPublish(JOBS, "", props(THIEF_USER).build(), new byte[] {'{', '}'});
            assertThatThrownBy(() -> pub.waitForConfirmsOrDie(5000)).hasStackTraceContaining("ACCESS_REFUSED");
        }
    }

    @Test
    @Order(2)
    void aForgedReplyDoesNotChangeAPredictsAnswer() throws Exception {
        String api = cluster.api("api-1");
        String frozen = "learner-1";
        String row = Rows.testRows(cluster.repo, 1).one(0);
        Duration deadline = Duration.ofMillis(1500);
        double forgedBefore = Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_forged_total");
        AtomicInteger forgedSent = new AtomicInteger();
        Http.Reply attacked;
        Http.Reply clean;
        // the suite's own user plays the wire-tap (a learner login cannot, see above); the answers go
        // out under the stolen learner login and under the tap's login, both claiming learner-1
        try (Connection tap = cluster.broker.connect("e2e-tap"); Connection thief = stolenLogin("e2e-forger")) {
            Channel tapCh = tap.createChannel();
            Channel thiefCh = thief.createChannel();
            String q = RawJobs.answerFirstPredict(tapCh, (tapChannel, job) -> {
                JobReply lie = new JobReply(frozen, "A", JobType.PREDICT, cluster.baselineModel(), ReplyStatus.OK,
                        null, new double[] {999_999_999}, null, null, 1);
                synchronized (thiefCh) {
                    thiefCh.basicPublish("", job.getReplyTo(), props(THIEF_USER).correlationId(job.getCorrelationId())
                            .build(), MessageCodec.encode(lie));
                }
                tapChannel.basicPublish("", job.getReplyTo(), props(null).correlationId(job.getCorrelationId())
                        .build(), MessageCodec.encode(lie));
                forgedSent.addAndGet(2);
            });
            cluster.awaitAllLive(Duration.ofSeconds(10));
            try (RawJobs.Frozen f = RawJobs.freeze(cluster, frozen)) {
                attacked = Api.predict(api, cluster.baselineModel(), row, deadline);
                await("the forged replies were sent").atMost(Duration.ofSeconds(5)).until(() -> forgedSent.get() == 2);
                await("the api counted both as forged").atMost(Duration.ofSeconds(5))
                        .until(() -> Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_forged_total") >= forgedBefore + 2);
                tapCh.queueUnbind(q, JOBS, "");
                await(frozen + " dropped by presence").atMost(Duration.ofSeconds(10))
                        .until(() -> !Api.liveLearners(api).contains(frozen));
                clean = Api.predict(api, cluster.baselineModel(), row, deadline);
            }
        }
        assertThat(attacked.status()).as(attacked.toString()).isEqualTo(200);
        assertThat(attacked.missing()).as("learner-1's shard has no answer: nobody else may give it").containsExactly("A");
        assertThat(attacked.used()).isEqualTo(3);
        double want = clean.json().get("Prediction").asDouble();
        assertThat(attacked.json().get("Prediction").asDouble()).isCloseTo(want, within(1e-9 * Math.abs(want)));
        assertThat(Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_forged_total") - forgedBefore).isEqualTo(2);
        cluster.awaitAllLive(Duration.ofSeconds(15));
    }

    @Test
    @Order(3)
    void aFitSentByALearnerLoginIntoALearnersQueueIsDeadLetteredAndPrunesNothing() throws Exception {
        String victim = "learner-1";
        String learner = cluster.learner(victim);
        String api = cluster.api("api-1");
        List<String> before = heldBy(api, victim);
        double forgedBefore = Api.metric(learner, "ml_learner_jobs_forged_total");
        int fits = 8; // more than any retention this suite uses would keep... were they obeyed
        try (Connection tap = cluster.broker.connect("e2e-dlq"); Connection thief = stolenLogin("e2e-fit-forger")) {
            Channel tapCh = tap.createChannel();
            long deadBefore = tapCh.queueDeclarePassive(DEAD_LETTERS).getMessageCount();
            Channel ch = thief.createChannel();
            for (int i = 0; i < fits; i++) {
                // dated far in the future: when retention went by the job's createdAt, this made
                // every real member look older and pruned them all
                FitJob job = new FitJob("m-forged-" + i, Long.MAX_VALUE - i, "house_pricing", "SalePrice", "linear",
                        Map.of(), 1, "shard", false, false, Map.of(), List.of());
                ch.basicPublish("", Broker.PREFIX + ".learner." + victim, props(THIEF_USER)
                        .headers(Map.of(Headers.JOB_TYPE, "fit", Headers.PROTOCOL, Headers.PROTOCOL_VERSION))
                        .build(), MessageCodec.encode(job));
            }
            await("every forged fit is dead-lettered").atMost(Duration.ofSeconds(15))
                    .until(() -> tapCh.queueDeclarePassive(DEAD_LETTERS).getMessageCount() >= deadBefore + fits);
            for (int i = 0; i < fits; i++) {
                tapCh.basicGet(DEAD_LETTERS, true);
            }
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Api.metric(learner, "ml_learner_jobs_forged_total") >= forgedBefore + fits);
        assertThat(heldBy(api, victim)).as("nothing trained, nothing pruned").isEqualTo(before);
    }

    @Test
    @Order(4)
    void forgedHeartbeatsAreIgnoredAndPredictsKeepServing() throws Exception {
        String api = cluster.api("api-1");
        double forgedBefore = Api.metric(cluster.apiManagement("api-1"), "ml_api_heartbeats_forged_total");
        String escape = "learner-9\u001b[2J";
        try (Connection thief = stolenLogin("e2e-presence-forger"); Connection tap = cluster.broker.connect("e2e-esc")) {
            Channel ch = thief.createChannel();
            MemberInfo fake = new MemberInfo("m-zz-fake", "learner-fake", "A", "house_pricing", "SalePrice", "linear",
                    Map.of(), 1, "shard", Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, 1, 1, 1, 0.0, Map.of());
            for (int round = 0; round < 5; round++) {
                long now = System.currentTimeMillis() + 60_000;
                for (int k = 1; k <= 4; k++) {
                    if (Integer.toString(k).equals(THIEF.substring(THIEF.length() - 1))) {
                        continue; // its own login may speak for learner-3: that is no forgery
                    }
                    Heartbeat leaving = new Heartbeat("learner-" + k, Character.toString('A' + k - 1), "forged", now, 0,
                            List.of(), List.of(), true, 0);
                    ch.basicPublish(PRESENCE, "", props(THIEF_USER).build(), MessageCodec.encode(leaving));
                }
                Heartbeat stranger = new Heartbeat("learner-fake", "A", "forged", now, 0, List.of(fake), List.of(),
                        false, 0);
                ch.basicPublish(PRESENCE, "", props(THIEF_USER).build(), MessageCodec.encode(stranger));
                Heartbeat esc = new Heartbeat(escape, "A", "forged", now, 0, List.of(), List.of(), false, 0);
                tap.createChannel().basicPublish(PRESENCE, "", props(null).build(), MessageCodec.encode(esc));
            }
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Api.metric(cluster.apiManagement("api-1"), "ml_api_heartbeats_forged_total") >= forgedBefore + 20);
        assertThat(Api.liveLearners(api)).containsExactlyInAnyOrderElementsOf(E2eCluster.LEARNERS);
        assertThat(Api.learners(api).toString()).doesNotContain("learner-fake").doesNotContain("learner-9")
                .doesNotContain("\u001b");
        assertThat(Api.modelIds(api)).doesNotContain("m-zz-fake");
        Http.Reply answer = Api.predict(cluster.lbMain(), cluster.baselineModel(), Rows.testRows(cluster.repo, 1).one(0),
                Duration.ofSeconds(2));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.used()).isEqualTo(4);
    }

    @Test
    @Order(5)
    void theApiLoginMayNotPublishHeartbeats() throws Exception {
        try (Connection conn = cluster.broker.connectAs("e2e-api-presence", "ml-api", "ml-api-dev")) {
            Channel ch = conn.createChannel();
            ch.confirmSelect();
            ch.basicPublish(PRESENCE, "", props("ml-api").build(), new byte[] {'{', '}'});
            assertThatThrownBy(() -> ch.waitForConfirmsOrDie(5000)).hasStackTraceContaining("ACCESS_REFUSED");
        }
    }

    private static List<String> heldBy(String api, String learner) {
        return Api.learner(api, learner).map(l -> l.get("held").findValuesAsString("modelId")).orElseThrow()
                .stream().sorted().toList();
    }

    private static AMQP.BasicProperties.Builder props(String userId) {
        return RawJobs.json(userId);
    }
}
