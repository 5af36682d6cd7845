package org.mlensemble.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scenarios 1 and 2: a learner is SIGKILLed while a fit trains, a predict load runs and evaluates run;
 * then it comes back.
 * <p>
 * Attribution check: every predict of the load asks for one row of 40 distinct test rows. Before the
 * kill one batch request gives the 4-member answer for every row; after the kill (once presence has
 * dropped the learner) another gives the 3-member answer. Each single-row answer of the load must
 * equal the batch answer for its own row and its own member set: a reply attributed to the wrong
 * request, or a member counted that did not answer, shows up as a mismatch. Evaluate is checked the
 * same way: a 3-member score must equal the 4-member answer's {@code withoutMember} score for the
 * dead learner, i.e. the ensemble must be exactly the mean of the three that remain.
 */
@Order(2)
class LearnerLossTest extends ClusterTest {

    private static final String VICTIM = "learner-3";
    /** the victim's shard: members and {@code missing} name shards */
    private static final String VICTIM_SHARD = "C";
    private static final Duration PREDICT_DEADLINE = Duration.ofSeconds(2);
    private static final Duration EVALUATE_DEADLINE = Duration.ofSeconds(10);
    private static final Duration FIT_DEADLINE = Duration.ofSeconds(60);
    private static final double TOLERANCE = 1e-9;

    private Rows rows;
    private String model;
    private double[] fourMembers;
    private double[] threeMembers;
    private JsonNode evaluateFour;
    private Http.Reply fitDuringKill;
    private String fitDuringKillId;
    private List<LoadGenerator.Sample> predicts;
    private List<LoadGenerator.Sample> evaluates;
    private long killedAtMs;
    private String missedFitId;
    private int heldBeforeKill;

    @Test
    @Order(1)
    void aFitInFlightAnswersWithTheSurvivingMembersWhenALearnerIsKilled() throws Exception {
        rows = Rows.testRows(cluster.repo, 40);
        model = cluster.baselineModel();
        fourMembers = batch(4);
        assertThat(distinct(fourMembers)).as("the rows must have distinct predictions for the check to mean anything")
                .isTrue();
        evaluateFour = Api.evaluate(cluster.lbMain(), model, EVALUATE_DEADLINE).json();
        assertThat(evaluateFour.get("members").get("used").asInt()).isEqualTo(4);
        List<String> modelsBefore = Api.modelIds(cluster.lbMain());
        heldBeforeKill = Api.learner(cluster.lbMain(), VICTIM).orElseThrow().get("held").size();

        LoadGenerator predictLoad = LoadGenerator.start("predict", 6, 20_000, Duration.ofSeconds(40),
                seq -> {
                    int row = (int) (seq % rows.size());
                    return new LoadGenerator.Call(row,
                            () -> Api.predict(cluster.lbMain(), model, rows.one(row), PREDICT_DEADLINE));
                });
        LoadGenerator evaluateLoad = LoadGenerator.start("evaluate", 1, 500, Duration.ofSeconds(40),
                seq -> new LoadGenerator.Call(null, () -> Api.evaluate(cluster.lbMain(), model, EVALUATE_DEADLINE)));
        try {
            // 2,000 boosting rounds take a few seconds: long enough to kill a learner in the middle of them
            CompletableFuture<Http.Reply> fit = CompletableFuture.supplyAsync(() -> Api.fit(cluster.lbMain(),
                    "{\"algorithm\":\"boosted\",\"params\":{\"trees\":2000,\"maxDepth\":6},\"seed\":11,\"deadlineMs\":"
                            + FIT_DEADLINE.toMillis() + "}",
                    FIT_DEADLINE));
            fitDuringKillId = await("a new fit training on " + VICTIM).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> trainingOn(VICTIM, modelsBefore), id -> id != null);
            long killAt = System.nanoTime();
            killedAtMs = predictLoad.elapsedMs();
            cluster.kill(VICTIM);
            fitDuringKill = fit.get(FIT_DEADLINE.plusSeconds(5).toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            long fitAnsweredAfterKillMs = (System.nanoTime() - killAt) / 1_000_000;
            // keep the load going until both apis have dropped the victim, and a little beyond
            await(VICTIM + " no longer alive").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> E2eCluster.APIS.stream()
                            .noneMatch(a -> Api.liveLearners(cluster.api(a)).contains(VICTIM)));
            long settled = predictLoad.elapsedMs();
            await("the load runs 3 s past the loss").atMost(Duration.ofSeconds(10))
                    .until(() -> predictLoad.elapsedMs() > settled + 3_000);
            predictLoad.stop();
            evaluateLoad.stop();
            predicts = predictLoad.awaitEnd(PREDICT_DEADLINE.plus(Api.SLACK));
            evaluates = evaluateLoad.awaitEnd(EVALUATE_DEADLINE.plus(Api.SLACK));
            threeMembers = batch(3);

            E2eCluster.log("fit during the kill: %s", fitDuringKill);
            assertThat(fitDuringKill.status()).as(fitDuringKill.toString()).isEqualTo(200);
            assertThat(fitDuringKill.json().get("modelId").asString()).isEqualTo(fitDuringKillId);
            assertThat(fitDuringKill.used()).isEqualTo(3);
            assertThat(fitDuringKill.expected()).isEqualTo(4);
            assertThat(fitDuringKill.missing()).containsExactly(VICTIM_SHARD);
            assertThat(Api.outcome(fitDuringKill.json(), VICTIM).get("status").asString()).isEqualTo("missing");
            // presence drops a dead learner after 3.5 s: the fit must not wait for it until its deadline
            assertThat(fitDuringKill.latencyMs()).isLessThan(FIT_DEADLINE.toMillis());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("fitAnsweredAfterKillMs", fitAnsweredAfterKillMs);
            details.put("fitLatencyMs", fitDuringKill.latencyMs());
            details.put("fitDeadlineMs", FIT_DEADLINE.toMillis());
            Figures.of("1a-learner-killed-mid-fit", getClass(), LoadGenerator.Stats.of(List.of(
                    new LoadGenerator.Sample(0, null, 0, fitDuringKill))), null, details).report(cluster.reliabilityDir());
        } finally {
            predictLoad.stop();
            evaluateLoad.stop();
        }
    }

    @Test
    @Order(2)
    void predictsDuringTheLossAreAnsweredInTimeByTheirOwnMembers() {
        assumeTrue(predicts != null, "the drill ran");
        List<String> mismatches = new ArrayList<>();
        long otherMemberSets = 0;
        long beforeLiveness = 0;
        for (LoadGenerator.Sample s : predicts) {
            Http.Reply r = s.reply();
            if (!r.ok()) {
                continue;
            }
            int row = (int) s.tag();
            double got = r.json().get("Prediction").asDouble();
            List<String> missing = r.missing();
            double want;
            if (missing.isEmpty()) {
                want = fourMembers[row];
            } else if (missing.equals(List.of(VICTIM_SHARD))) {
                want = threeMembers[row];
            } else {
                otherMemberSets++;
                continue;
            }
            if (!close(got, want)) {
                mismatches.add("row " + row + " missing " + missing + ": got " + got + ", want " + want);
            }
            if (!missing.isEmpty() && r.latencyMs() >= PREDICT_DEADLINE.toMillis() - 100) {
                beforeLiveness++; // in flight when the victim died: answered at the deadline
            }
        }
        LoadGenerator.Stats stats = LoadGenerator.Stats.of(predicts);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("killedAtMs", killedAtMs);
        details.put("answeredAtTheDeadline", beforeLiveness);
        details.put("mismatches", mismatches.size());
        details.put("otherMemberSets", otherMemberSets);
        details.put("deadlineMs", PREDICT_DEADLINE.toMillis());
        Figures.of("1b-learner-killed-under-predict-load", getClass(), stats, null, details)
                .report(cluster.reliabilityDir());

        assertThat(stats.hung()).as("requests past their deadline + 1 s").isZero();
        assertThat(stats.maxLatencyMs()).isLessThanOrEqualTo(PREDICT_DEADLINE.plus(Api.SLACK).toMillis());
        assertThat(stats.failed()).as("failed requests: %s", stats.byStatus()).isZero();
        assertThat(stats.degraded()).as("answers without the dead learner").isPositive();
        assertThat(mismatches).as("answers that are not the batch answer of their own row").isEmpty();
        assertThat(otherMemberSets).as("answers missing another learner than " + VICTIM).isZero();
        // once presence dropped the victim, answers come fast again
        List<LoadGenerator.Sample> late = predicts.stream()
                .filter(s -> s.startedAtMs() > killedAtMs + 6_000).toList();
        assertThat(late).isNotEmpty();
        assertThat(late).allSatisfy(s -> {
            assertThat(s.reply().missing()).containsExactly(VICTIM_SHARD);
            assertThat(s.reply().latencyMs()).isLessThan(PREDICT_DEADLINE.toMillis());
        });
    }

    @Test
    @Order(3)
    void evaluatesDuringTheLossScoreExactlyTheSurvivingEnsemble() {
        assumeTrue(evaluates != null, "the drill ran");
        double r2Four = evaluateFour.get("r2").asDouble();
        double r2Three = evaluateFour.get("withoutMember").get(VICTIM).get("r2").asDouble();
        List<String> mismatches = new ArrayList<>();
        for (LoadGenerator.Sample s : evaluates) {
            Http.Reply r = s.reply();
            if (!r.ok()) {
                continue;
            }
            double r2 = r.json().get("r2").asDouble();
            List<String> missing = r.missing();
            double want = missing.isEmpty() ? r2Four : missing.equals(List.of(VICTIM_SHARD)) ? r2Three : Double.NaN;
            if (!close(r2, want)) {
                mismatches.add("missing " + missing + ": r2 " + r2 + ", want " + want);
            }
        }
        LoadGenerator.Stats stats = LoadGenerator.Stats.of(evaluates);
        Figures.of("1c-learner-killed-under-evaluate-load", getClass(), stats, null,
                Map.of("mismatches", mismatches.size(), "deadlineMs", EVALUATE_DEADLINE.toMillis(), "r2FourMembers",
                        r2Four, "r2ThreeMembers", r2Three))
                .report(cluster.reliabilityDir());

        assertThat(stats.hung()).isZero();
        assertThat(stats.failed()).as("failed evaluates: %s", stats.byStatus()).isZero();
        assertThat(stats.degraded()).isPositive();
        assertThat(mismatches).isEmpty();
    }

    @Test
    @Order(4)
    void whileTheLearnerIsDownAFitTrainsTheOthersAndAQuorumOfFourIsRefused() {
        assumeTrue(fitDuringKill != null, "the drill ran");
        Http.Reply fit = Api.fit(cluster.lbMain(), "{\"algorithm\":\"linear\",\"seed\":12,\"deadlineMs\":"
                + FIT_DEADLINE.toMillis() + "}", FIT_DEADLINE);
        assertThat(fit.status()).as(fit.toString()).isEqualTo(200);
        assertThat(fit.used()).isEqualTo(3);
        assertThat(fit.missing()).containsExactly(VICTIM_SHARD);
        // the dead learner is not waited for: the fit takes training time, not a deadline
        assertThat(fit.latencyMs()).isLessThan(15_000);
        missedFitId = fit.json().get("modelId").asString();
        // below quorum the answer is a 503 at once, not a wait until the deadline
        Http.Reply belowQuorum = Api.predict(cluster.lbMain(), model, rows.one(0), PREDICT_DEADLINE, 4);
        assertThat(belowQuorum.status()).as(belowQuorum.toString()).isEqualTo(503);
        assertThat(belowQuorum.header("Content-Type")).startsWith("application/problem+json");
        assertThat(belowQuorum.detail()).contains("quorum is 4");
        assertThat(belowQuorum.latencyMs()).isLessThan(PREDICT_DEADLINE.toMillis() / 2);
    }

    @Test
    @Order(5)
    void theReturningLearnerReloadsItsMembersAndTrainsTheFitsItMissed() throws IOException {
        assumeTrue(missedFitId != null, "the learner missed a fit");
        long t0 = System.nanoTime();
        cluster.start(VICTIM);
        long healthyMs = (System.nanoTime() - t0) / 1_000_000;
        long t1 = System.nanoTime();
        cluster.awaitAllLive(Duration.ofSeconds(10));
        long countedAgainMs = (System.nanoTime() - t1) / 1_000_000;
        // its members come back from disk: the baseline model answers with 4 members, as before the kill
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> Api.liveHolders(cluster.lbMain(), model).contains(VICTIM));
        double[] again = batch(4);
        for (int i = 0; i < again.length; i++) {
            assertThat(close(again[i], fourMembers[i])).as("row %d after the reload: %s vs %s", i, again[i],
                    fourMembers[i]).isTrue();
        }
        // the fit it missed while down, and the one it died in, are trained from its queue
        long t2 = System.nanoTime();
        cluster.awaitHolders(missedFitId, E2eCluster.LEARNERS, Duration.ofSeconds(60));
        cluster.awaitHolders(fitDuringKillId, E2eCluster.LEARNERS, Duration.ofSeconds(60));
        long caughtUpMs = (System.nanoTime() - t2) / 1_000_000;
        JsonNode learner = Api.learner(cluster.lbMain(), VICTIM).orElseThrow();
        assertThat(learner.get("alive").asBoolean()).isTrue();
        assertThat(learner.get("loadFailures").asInt()).isZero();
        String log = Files.readString(cluster.log(VICTIM));
        assertThat(log).contains("loaded " + heldBeforeKill + " member(s)");
        Http.Reply answer = Api.predict(cluster.lbMain(), missedFitId, rows.one(0), PREDICT_DEADLINE);
        assertThat(answer.used()).isEqualTo(4);
        Figures.of("2-learner-returns", getClass(), LoadGenerator.Stats.of(List.of(new LoadGenerator.Sample(0, null, 0,
                answer))), healthyMs + countedAgainMs, Map.of("startToHealthyMs", healthyMs, "healthyToCountedMs",
                        countedAgainMs, "catchUpTrainedMs", caughtUpMs)).report(cluster.reliabilityDir());
        assertThat(countedAgainMs).as("counted again within a few heartbeats of being healthy").isLessThan(5_000);
    }

    private double[] batch(int members) {
        Http.Reply r = Api.predict(cluster.lbMain(), model, rows.all(), PREDICT_DEADLINE);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.used()).as("members of the batch answer").isEqualTo(members);
        JsonNode p = r.json().get("Predictions");
        double[] out = new double[p.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.get(i).asDouble();
        }
        return out;
    }

    /** The id of a fit that {@code learner} is training now and that was not known before. */
    private String trainingOn(String learner, List<String> known) {
        return Api.learner(cluster.api("api-1"), learner).flatMap(l -> Api.newTraining(l, known)).orElse(null);
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    }

    private static boolean distinct(double[] values) {
        for (int i = 0; i < values.length; i++) {
            for (int j = i + 1; j < values.length; j++) {
                if (close(values[i], values[j])) {
                    return false;
                }
            }
        }
        return true;
    }
}
