package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.ReplyStatus;

/**
 * Scenario 6: poison messages on both sides of the broker.
 * <p>
 * <b>Jobs.</b> Malformed jobs, and well-formed ones of another protocol version or without one,
 * published to the jobs fanout reach every learner; each must reject them without requeue, so they
 * land in the dead-letter queue once per learner, and send no reply.
 * <p>
 * <b>Replies.</b> An api instance consumes replies only on its direct reply-to channels, whose
 * addresses exist only in the {@code reply_to} of the jobs it publishes. So the sound way to send it
 * garbage is to play a broken learner: the suite binds its own queue to the jobs fanout, and
 * answers the api's next predict with garbage under the job's correlation id, a non-reply JSON
 * under it, garbage without a correlation id, and a well-formed reply under an unknown
 * correlation id. The first three must be dropped as malformed, the last as late (not ours), and
 * the answer must be the one the real learners give. For the garbage to reach an open gather, one
 * learner is frozen (SIGSTOP): the api still waits for it until the deadline, and meanwhile the
 * fake replies arrive.
 */
@Order(1)
class PoisonMessageTest extends ClusterTest {

    private static final String DEAD_LETTERS = Broker.PREFIX + ".dead-letter";
    private static final String JOBS = RawJobs.JOBS;

    /** A job to publish; {@code protocol} null leaves the protocol header out. */
    private record Poison(String what, String jobType, Integer protocol, byte[] body) {
        Poison(String what, String jobType, byte[] body) {
            this(what, jobType, Headers.PROTOCOL_VERSION, body);
        }
    }

    @Test
    @Order(1)
    void malformedJobsAreDeadLetteredOncePerLearnerAndNoLearnerDies() throws Exception {
        List<Poison> poisons = List.of(
                new Poison("no job type header", null, utf8("hello")),
                new Poison("unknown job type", "frobnicate", utf8("{}")),
                new Poison("predict that is not JSON", "predict", utf8("not json {")),
                new Poison("fit without model, dataset or target", "fit", utf8("{}")),
                new Poison("fit that is a JSON array", "fit", utf8("[1,2,3]")),
                new Poison("fit whose model id climbs out of the model folder", "fit",
                        utf8("{\"modelId\":\"../../escape\",\"dataset\":\"house_pricing\",\"target\":\"SalePrice\"}")),
                new Poison("predict whose columns disagree with rows", "predict",
                        utf8("{\"modelId\":\"m\",\"columns\":{\"GrLivArea\":[1,2]},\"rows\":3}")),
                new Poison("evaluate with an empty body", "evaluate", new byte[0]),
                new Poison("predict of random bytes", "predict", randomBytes(512)),
                new Poison("a well-formed fit of another protocol version", "fit", Headers.PROTOCOL_VERSION + 1,
                        utf8("{\"modelId\":\"m-v2\",\"dataset\":\"house_pricing\",\"target\":\"SalePrice\"}")),
                new Poison("a well-formed fit without the protocol header", "fit", null,
                        utf8("{\"modelId\":\"m-v0\",\"dataset\":\"house_pricing\",\"target\":\"SalePrice\"}")));
        int learners = E2eCluster.LEARNERS.size();
        double deadLetteredBefore = learnerSum("ml_learner_jobs_dead_lettered_total");
        // published by the api's login (user_id ml-api, checked by the broker): the learners obey only
        // api users, so a poison job from anyone else would be refused before it is even read
        try (Connection conn = cluster.broker.connect("e2e-poison-jobs"); Channel ch = conn.createChannel();
                Connection asApi = cluster.broker.connectAs("e2e-poison-as-api", "ml-api", "ml-api-dev");
                Channel apiCh = asApi.createChannel()) {
            long before = ch.queueDeclarePassive(DEAD_LETTERS).getMessageCount();
            String replies = ch.queueDeclare().getQueue(); // any reply to a poison job would land here
            for (Poison p : poisons) {
                Map<String, Object> headers = new HashMap<>();
                if (p.jobType() != null) {
                    headers.put(Headers.JOB_TYPE, p.jobType());
                }
                if (p.protocol() != null) {
                    headers.put(Headers.PROTOCOL, p.protocol());
                }
                headers.put("x-e2e-poison", p.what());
                apiCh.basicPublish(JOBS, "", new AMQP.BasicProperties.Builder().headers(headers).userId("ml-api")
                        .correlationId(UUID.randomUUID().toString()).replyTo(replies).build(), p.body());
            }
            long expected = before + (long) poisons.size() * learners;
            long t0 = System.nanoTime();
            await("every learner dead-letters every poison job").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> ch.queueDeclarePassive(DEAD_LETTERS).getMessageCount() >= expected);
            long deadLetteredMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ch.queueDeclarePassive(DEAD_LETTERS).getMessageCount()).isEqualTo(expected);

            // each dead letter says where it came from and why; each learner rejected each poison once
            Map<String, Integer> perQueue = new LinkedHashMap<>();
            List<String> reasons = new ArrayList<>();
            for (long i = before; i < expected; i++) {
                GetResponse got = ch.basicGet(DEAD_LETTERS, true);
                assertThat(got).isNotNull();
                Map<String, Object> h = got.getProps().getHeaders();
                reasons.add(String.valueOf(h.get("x-first-death-reason")));
                perQueue.merge(String.valueOf(h.get("x-first-death-queue")), 1, Integer::sum);
                assertThat(String.valueOf(h.get("x-first-death-exchange"))).isEqualTo(JOBS);
            }
            assertThat(reasons).containsOnly("rejected");
            assertThat(perQueue).hasSize(learners).allSatisfy((queue, n) -> {
                assertThat(queue).startsWith(Broker.PREFIX + ".learner.");
                assertThat(n).isEqualTo(poisons.size());
            });
            assertThat(ch.queueDeclarePassive(replies).getMessageCount()).as("replies to poison jobs").isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> learnerSum("ml_learner_jobs_dead_lettered_total")
                    >= deadLetteredBefore + poisons.size() * learners);

            // nobody died, and the ensemble still answers with every member
            assertThat(E2eCluster.LEARNERS).allSatisfy(l -> assertThat(cluster.healthy(l)).as(l).isTrue());
            Http.Reply answer = Api.predict(cluster.lbMain(), cluster.baselineModel(),
                    Rows.testRows(cluster.repo, 1).one(0), Duration.ofSeconds(2));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.used()).isEqualTo(learners);
            Figures.of("6a-poison-jobs", getClass(), LoadGenerator.Stats.of(List.of(
                    new LoadGenerator.Sample(0, null, 0, answer))), null, Map.of(
                            "poisonJobs", poisons.size(),
                            "deadLettered", expected - before,
                            "deadLetteredWithinMs", deadLetteredMs,
                            "repliesToPoison", 0))
                    .report(cluster.reliabilityDir());
        }
    }

    @Test
    @Order(2)
    void malformedAndForeignRepliesAreDroppedAndCounted() throws Exception {
        String api = cluster.api("api-1");
        String frozen = "learner-4";
        String row = Rows.testRows(cluster.repo, 1).one(0);
        Duration deadline = Duration.ofMillis(1000);
        double malformedBefore = Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_malformed_total");
        double lateBefore = Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_late_total");
        AtomicInteger garbageSent = new AtomicInteger();
        Http.Reply attacked;
        Http.Reply clean;
        double malformed;
        double late;
        try (Connection conn = cluster.broker.connect("e2e-fake-learner"); Channel ch = conn.createChannel()) {
            String q = RawJobs.answerFirstPredict(ch, (tap, job) -> {
                String to = job.getReplyTo();
                tap.basicPublish("", to, props(job.getCorrelationId()), randomBytes(64));
                tap.basicPublish("", to, props(job.getCorrelationId()), utf8("{\"hello\":\"world\"}"));
                tap.basicPublish("", to, props(null), utf8("garbage without a correlation id"));
                JobReply foreign = new JobReply("impostor", "Z", JobType.PREDICT, "m", ReplyStatus.OK, null,
                        new double[] {1e9}, null, null, 1);
                tap.basicPublish("", to, props(UUID.randomUUID().toString()), MessageCodec.encode(foreign));
                garbageSent.addAndGet(4);
            });
            cluster.awaitAllLive(Duration.ofSeconds(10));
            try (RawJobs.Frozen f = RawJobs.freeze(cluster, frozen)) {
                // the api waits for the frozen learner until the deadline: the gather stays open
                attacked = Api.predict(api, cluster.baselineModel(), row, deadline);
                await("the fake learner answered").atMost(Duration.ofSeconds(5)).until(() -> garbageSent.get() == 4);
                await("the api dropped and counted every bad reply").atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_malformed_total") >= malformedBefore + 3
                                && Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_late_total") >= lateBefore + 1);
                // the frozen learner is still frozen: nothing else can reply to this api now
                malformed = Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_malformed_total") - malformedBefore;
                late = Api.metric(cluster.apiManagement("api-1"), "ml_api_replies_late_total") - lateBefore;
                ch.queueUnbind(q, RawJobs.JOBS, "");
                // the same question once presence has dropped the frozen learner: three members, no garbage
                await(frozen + " dropped by presence").atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> !Api.liveLearners(api).contains(frozen));
                clean = Api.predict(api, cluster.baselineModel(), row, deadline);
            }
        }
        Figures.of("6b-poison-replies", getClass(), LoadGenerator.Stats.of(List.of(
                new LoadGenerator.Sample(0, null, 0, attacked), new LoadGenerator.Sample(1, null, 0, clean))), null,
                Map.of("badRepliesSent", garbageSent.get(), "countedMalformed", malformed, "countedLate", late))
                .report(cluster.reliabilityDir());

        assertThat(attacked.status()).as(attacked.toString()).isEqualTo(200);
        assertThat(attacked.latencyMs()).isLessThanOrEqualTo(deadline.plus(Api.SLACK).toMillis());
        assertThat(attacked.missing()).containsExactly("D"); // its shard
        assertThat(attacked.used()).isEqualTo(3);
        assertThat(clean.used()).isEqualTo(3);
        double want = clean.json().get("Prediction").asDouble();
        assertThat(attacked.json().get("Prediction").asDouble()).as("garbage never enters the answer")
                .isCloseTo(want, within(1e-9 * Math.abs(want)));
        assertThat(malformed).isEqualTo(3);
        assertThat(late).isEqualTo(1);
        cluster.awaitAllLive(Duration.ofSeconds(10));
        assertThat(cluster.statusOk()).as("bin/mlcluster status: all 8 parts healthy").isTrue();
    }

    private double learnerSum(String metric) {
        double sum = 0;
        for (String l : E2eCluster.LEARNERS) {
            sum += Api.metric(cluster.learner(l), metric);
        }
        return sum;
    }

    private static AMQP.BasicProperties props(String correlationId) {
        return RawJobs.json(null).correlationId(correlationId).build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
