package org.mlensemble.common.gather;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.gather.Gather.Offer;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.ReplyStatus;

class GatherTest {

    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant DEADLINE = START.plusSeconds(10);

    private final TestClock clock = new TestClock(START);

    @Test
    void completesWhenEveryLiveLearnerReplied() {
        Gather gather = allLive(2, "a", "b", "c");

        gather.offer(reply("a", ReplyStatus.OK));
        gather.offer(reply("b", ReplyStatus.OK));
        assertThat(gather.isComplete()).isFalse();

        gather.offer(reply("c", ReplyStatus.OK));
        assertThat(gather.isComplete()).isTrue();

        GatherResult result = gather.close();
        assertThat(result.used()).isEqualTo(3);
        assertThat(result.missing()).isEmpty();
        assertThat(result.quorumMet()).isTrue();
        assertThat(result.outcomes()).containsOnlyKeys("a", "b", "c").containsValues("ok");
    }

    @Test
    void expectsOnlyTheHoldersAndTheLearnersAliveWhenItBegan() {
        Gather gather = gather(List.of("a", "b"), List.of("b", "c"), 1, false);

        assertThat(gather.expects("a")).as("a holder, alive or not").isTrue();
        assertThat(gather.expects("c")).as("alive, so it was sent the job").isTrue();
        assertThat(gather.expects("impostor")).isFalse();
    }

    @Test
    void stopsWaitingForALearnerThatPresenceLost() {
        Gather gather = allLive(1, "a", "b", "c");
        gather.offer(reply("a", ReplyStatus.OK));
        gather.offer(reply("b", ReplyStatus.OK));

        assertThat(gather.retainAwaited(List.of("a", "b", "c"))).isFalse();
        assertThat(gather.retainAwaited(List.of("a", "b"))).isTrue();

        GatherResult result = gather.close();
        assertThat(result.used()).isEqualTo(2);
        assertThat(result.missing()).containsExactly("C");
        assertThat(result.outcomes().get("c")).startsWith("lost during the request");
    }

    @Test
    void everyLearnersOutcomeIsAlsoAStateToDecideOn() {
        Gather gather = allLive(1, "a", "b", "c", "d", "e");
        gather.offer(reply("a", ReplyStatus.OK));
        gather.offer(reply("b", ReplyStatus.FAILED));
        gather.offer(reply("c", ReplyStatus.BAD_REQUEST));
        gather.offer(reply("d", ReplyStatus.NO_MODEL));
        gather.retainAwaited(List.of("a", "b", "c", "d"));

        GatherResult result = gather.close();
        assertThat(result.states()).containsEntry("a", Outcome.OK).containsEntry("b", Outcome.FAILED)
            .containsEntry("c", Outcome.REJECTED).containsEntry("d", Outcome.NO_MODEL)
            .containsEntry("e", Outcome.LOST);
        assertThat(result.outcomes()).containsEntry("c", "rejected the request: boom")
            .containsEntry("d", "does not hold the model: boom");
    }

    @Test
    void isNotCompleteBeforeAnyReply() {
        Gather gather = allLive(1, "a", "b");

        assertThat(gather.isComplete()).isFalse();
    }

    @Test
    void completesAtDeadlineWithPartialReplies() {
        Gather gather = allLive(1, "a", "b", "c");
        gather.offer(reply("a", ReplyStatus.OK));

        clock.advance(Duration.ofSeconds(9));
        assertThat(gather.isComplete()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(gather.isComplete()).isTrue();

        GatherResult result = gather.close();
        assertThat(result.ok()).extracting(JobReply::learnerId).containsExactly("a");
        assertThat(result.missing()).containsExactly("B", "C");
        assertThat(result.outcomes()).containsEntry("b", "no reply before the deadline")
            .containsEntry("c", "no reply before the deadline");
        assertThat(result.quorumMet()).isTrue();
        assertThat(result.expected()).isEqualTo(3);
    }

    @Test
    void completesEarlyWhenTheQuorumCanNoLongerBeMet() {
        Gather gather = allLive(3, "a", "b", "c");
        gather.offer(reply("a", ReplyStatus.OK));
        assertThat(gather.isComplete()).isFalse();

        gather.offer(reply("b", ReplyStatus.FAILED));

        assertThat(gather.isComplete()).isTrue();
        GatherResult result = gather.close();
        assertThat(result.quorumMet()).isFalse();
        assertThat(result.missing()).containsExactly("B", "C");
        assertThat(result.outcomes()).containsEntry("b", "failed: boom");
    }

    @Test
    void replyAfterCloseIsLateAndNotCounted() {
        Gather gather = allLive(1, "a", "b");
        gather.offer(reply("a", ReplyStatus.OK));
        gather.close();

        assertThat(gather.offer(reply("b", ReplyStatus.OK))).isEqualTo(Offer.LATE);
        assertThat(gather.close().ok()).extracting(JobReply::learnerId).containsExactly("a");
    }

    @Test
    void replyAtOrAfterTheDeadlineIsLate() {
        Gather gather = allLive(1, "a", "b");
        clock.advance(Duration.ofSeconds(10));

        assertThat(gather.offer(reply("a", ReplyStatus.OK))).isEqualTo(Offer.LATE);
        clock.advance(Duration.ofSeconds(5));
        assertThat(gather.offer(reply("b", ReplyStatus.OK))).isEqualTo(Offer.LATE);
        assertThat(gather.close().used()).isZero();
    }

    @Test
    void replyJustBeforeTheDeadlineIsAccepted() {
        Gather gather = allLive(1, "a");
        clock.advance(Duration.ofSeconds(10).minusMillis(1));

        assertThat(gather.offer(reply("a", ReplyStatus.OK))).isEqualTo(Offer.ACCEPTED);
    }

    @Test
    void secondReplyFromTheSameLearnerIsDuplicateAndIgnored() {
        Gather gather = allLive(1, "a", "b");

        assertThat(gather.offer(reply("a", ReplyStatus.FAILED))).isEqualTo(Offer.ACCEPTED);
        assertThat(gather.offer(reply("a", ReplyStatus.OK))).isEqualTo(Offer.DUPLICATE);

        GatherResult result = gather.close();
        assertThat(result.used()).isZero();
        assertThat(result.outcomes()).containsEntry("a", "failed: boom");
    }

    @Test
    void deadMembersAreMissingAsNotAlive() {
        Gather gather = gather(List.of("a", "b", "c"), List.of("a", "b"), 1, false);

        gather.offer(reply("a", ReplyStatus.OK));
        assertThat(gather.isComplete()).isFalse();
        gather.offer(reply("b", ReplyStatus.OK));
        assertThat(gather.isComplete()).isTrue();

        GatherResult result = gather.close();
        assertThat(result.missing()).containsExactly("C");
        assertThat(result.outcomes()).containsEntry("c", "not alive");
        assertThat(result.expected()).isEqualTo(3);
        assertThat(result.used()).isEqualTo(2);
    }

    @Test
    void learnerOutsideMembersThatRepliesOkIsUsed() {
        Gather gather = allLive(1, "a");

        assertThat(gather.offer(reply("x", ReplyStatus.OK))).isEqualTo(Offer.ACCEPTED);
        gather.offer(reply("a", ReplyStatus.OK));

        GatherResult result = gather.close();
        assertThat(result.ok()).extracting(JobReply::learnerId).containsExactlyInAnyOrder("a", "x");
        assertThat(result.members()).contains("X");
        assertThat(result.outcomes()).containsEntry("x", "ok");
        assertThat(result.missing()).isEmpty();
        assertThat(result.others()).isEmpty();
    }

    @Test
    void learnerOutsideMembersWithoutTheModelIsReportedAsOtherNotMissing() {
        Gather gather = allLive(1, "a");

        gather.offer(reply("x", ReplyStatus.NO_MODEL));
        gather.offer(reply("a", ReplyStatus.OK));
        GatherResult result = gather.close();

        assertThat(result.others()).extracting(JobReply::learnerId).containsExactly("x");
        assertThat(result.members()).containsExactly("A");
        assertThat(result.missing()).isEmpty();
    }

    @Test
    void liveLearnerNotListedAsMemberIsStillAwaited() {
        Gather gather = gather(List.of("a"), List.of("a", "x"), 1, false);
        gather.offer(reply("a", ReplyStatus.OK));

        assertThat(gather.isComplete()).isFalse();
        GatherResult result = gather.close();
        assertThat(result.members()).containsExactly("A");
        assertThat(result.learners()).containsKeys("a", "x");
        assertThat(result.outcomes()).containsEntry("x", "no reply before the deadline");
    }

    @Test
    void liveLearnerNotListedAsMemberThatFailsIsReportedAsALearnerNotAsOther() {
        Gather gather = gather(List.of("a"), List.of("a", "x"), 1, false);
        gather.offer(reply("a", ReplyStatus.OK));
        gather.offer(reply("x", ReplyStatus.FAILED));

        GatherResult result = gather.close();
        assertThat(result.others()).isEmpty();
        assertThat(result.outcomes()).containsEntry("x", "failed: boom");
        assertThat(result.members()).containsExactly("A");
    }

    @Test
    void stopsOnBadRequestWhenAsked() {
        Gather gather = allLiveStoppingOnBadRequest(1, "a", "b", "c");

        gather.offer(reply("a", ReplyStatus.BAD_REQUEST));

        assertThat(gather.isComplete()).isTrue();
        GatherResult result = gather.close();
        assertThat(result.badRequest()).isEqualTo("boom");
        assertThat(result.outcomes()).containsEntry("a", "rejected the request: boom");
    }

    @Test
    void keepsWaitingAfterBadRequestWhenNotAsked() {
        Gather gather = allLive(1, "a", "b", "c");

        gather.offer(reply("a", ReplyStatus.BAD_REQUEST));

        assertThat(gather.isComplete()).isFalse();
        assertThat(gather.close().badRequest()).isEqualTo("boom");
    }

    @Test
    void refusesQuorumBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> allLive(0, "a"));
        assertThrows(IllegalArgumentException.class, () -> allLive(-1, "a"));
    }

    @Test
    void remainingShrinksWithTheClockAndNeverGoesNegative() {
        Gather gather = allLive(1, "a");

        clock.advance(Duration.ofSeconds(4));
        assertThat(gather.remaining()).isEqualTo(Duration.ofSeconds(6));
        clock.advance(Duration.ofSeconds(20));
        assertThat(gather.remaining()).isEqualTo(Duration.ZERO);
    }

    // Two shards, two replicas each: learner-1 and learner-3 hold A, learner-2 and learner-4 hold B.
    private static final Map<String, String> REPLICAS = Map.of("learner-1", "A", "learner-2", "B", "learner-3", "A",
        "learner-4", "B");
    private static final List<String> ALL = List.of("learner-1", "learner-2", "learner-3", "learner-4");

    @Test
    void firstReplyPerShardWinsAndCompletesWithoutWaitingForOtherReplicas() {
        Gather gather = replicated(ALL, 1);

        assertThat(gather.offer(reply("learner-1", ReplyStatus.OK))).isEqualTo(Offer.ACCEPTED);
        assertThat(gather.isComplete()).isFalse();
        assertThat(gather.offer(reply("learner-4", ReplyStatus.OK))).isEqualTo(Offer.ACCEPTED);
        assertThat(gather.isComplete()).isTrue();

        GatherResult result = gather.close();
        assertThat(result.members()).containsExactly("A", "B");
        assertThat(result.used()).isEqualTo(2);
        assertThat(result.expected()).isEqualTo(2);
        assertThat(result.missing()).isEmpty();
        assertThat(result.servedBy()).containsExactly(Map.entry("A", "learner-1"), Map.entry("B", "learner-4"));
        assertThat(result.ok()).extracting(JobReply::learnerId).containsExactly("learner-1", "learner-4");
        assertThat(result.outcomes()).containsEntry("learner-2", "not needed: shard B had answered");
    }

    @Test
    void secondReplicaReplyIsCountedAsHedgedAndDoesNotChangeTheAnswer() {
        Gather gather = replicated(ALL, 1);
        JobReply first = predictions("learner-3", "A", 1.0);

        gather.offer(first);
        assertThat(gather.offer(predictions("learner-1", "A", 99.0))).isEqualTo(Offer.HEDGED);
        gather.offer(predictions("learner-2", "B", 2.0));

        GatherResult result = gather.close();
        assertThat(result.hedged()).isEqualTo(1);
        assertThat(result.used()).isEqualTo(2);
        assertThat(result.ok()).containsExactly(first, result.ok().get(1));
        assertThat(result.ok().get(0).predictions()).containsExactly(1.0);
        assertThat(result.servedBy()).containsEntry("A", "learner-3");
        assertThat(result.replies()).extracting(JobReply::learnerId).doesNotContain("learner-1");
        assertThat(result.outcomes().get("learner-1")).startsWith("ok, not used");
    }

    @Test
    void replicaReplyAfterCompletionIsHedgedNotLate() {
        Gather gather = replicated(ALL, 1);
        gather.offer(reply("learner-1", ReplyStatus.OK));
        gather.offer(reply("learner-2", ReplyStatus.OK));
        GatherResult result = gather.close();

        assertThat(gather.offer(reply("learner-3", ReplyStatus.OK))).isEqualTo(Offer.HEDGED);
        assertThat(gather.offer(reply("learner-4", ReplyStatus.FAILED))).isEqualTo(Offer.LATE);
        clock.advance(Duration.ofSeconds(10));
        assertThat(gather.offer(reply("learner-4", ReplyStatus.OK))).isEqualTo(Offer.LATE);
        assertThat(result.servedBy()).containsEntry("A", "learner-1");
    }

    @Test
    void expectsHedgesOnlyWhileAReplicaOfAServedShardHasNotAnswered() {
        Gather gather = replicated(ALL, 1);
        gather.offer(reply("learner-1", ReplyStatus.OK));
        gather.offer(reply("learner-2", ReplyStatus.OK));
        assertThat(gather.expectsHedges()).isTrue();

        gather.offer(reply("learner-3", ReplyStatus.OK));
        gather.offer(reply("learner-4", ReplyStatus.OK));

        assertThat(gather.expectsHedges()).isFalse();
        assertThat(replicatedFit().expectsHedges()).isFalse();
    }

    @Test
    void noModelFromOneReplicaWaitsForTheOther() {
        Gather gather = replicated(ALL, 1);
        gather.offer(reply("learner-2", ReplyStatus.OK));

        gather.offer(reply("learner-1", ReplyStatus.NO_MODEL));
        assertThat(gather.isComplete()).isFalse();
        gather.offer(reply("learner-3", ReplyStatus.FAILED));
        assertThat(gather.isComplete()).isTrue();

        GatherResult result = gather.close();
        assertThat(result.missing()).containsExactly("A");
        assertThat(result.shardOutcomes().get("A")).contains("learner-1: does not hold the model")
            .contains("learner-3: failed: boom");
    }

    @Test
    void failedReplicaDoesNotSettleTheShardWhenAnotherAnswers() {
        Gather gather = replicated(ALL, 2);
        gather.offer(reply("learner-1", ReplyStatus.FAILED));
        gather.offer(reply("learner-2", ReplyStatus.OK));
        assertThat(gather.isComplete()).isFalse();

        gather.offer(reply("learner-3", ReplyStatus.OK));

        assertThat(gather.isComplete()).isTrue();
        GatherResult result = gather.close();
        assertThat(result.missing()).isEmpty();
        assertThat(result.quorumMet()).isTrue();
        assertThat(result.servedBy()).containsEntry("A", "learner-3");
    }

    @Test
    void bothReplicasDownNamesTheShardMissing() {
        Gather gather = new Gather(REPLICAS, List.of("learner-2", "learner-4"), 1, DEADLINE, clock,
            Gather.Mode.FIRST_PER_SHARD);

        gather.offer(reply("learner-4", ReplyStatus.OK));

        assertThat(gather.isComplete()).isTrue();
        GatherResult result = gather.close();
        assertThat(result.expected()).isEqualTo(2);
        assertThat(result.used()).isEqualTo(1);
        assertThat(result.missing()).containsExactly("A");
        assertThat(result.shardOutcomes().get("A")).contains("learner-1: not alive", "learner-3: not alive");
    }

    @Test
    void shardIsMissingOnceEveryRemainingReplicaIsLost() {
        Gather gather = replicated(ALL, 1);
        gather.offer(reply("learner-2", ReplyStatus.OK));
        gather.offer(reply("learner-1", ReplyStatus.NO_MODEL));

        assertThat(gather.retainAwaited(ALL)).isFalse();
        assertThat(gather.retainAwaited(List.of("learner-1", "learner-2", "learner-4"))).isTrue();

        GatherResult result = gather.close();
        assertThat(result.missing()).containsExactly("A");
        assertThat(result.outcomes().get("learner-3")).startsWith("lost during the request");
    }

    @Test
    void quorumCountsShardsNotLearners() {
        Gather gather = replicated(ALL, 2);
        gather.offer(reply("learner-1", ReplyStatus.OK));
        gather.offer(reply("learner-3", ReplyStatus.OK));
        assertThat(gather.isComplete()).isFalse();

        gather.offer(reply("learner-2", ReplyStatus.FAILED));
        gather.offer(reply("learner-4", ReplyStatus.FAILED));

        assertThat(gather.isComplete()).isTrue();
        GatherResult result = gather.close();
        assertThat(result.used()).isEqualTo(1);
        assertThat(result.quorumMet()).isFalse();
    }

    @Test
    void completesEarlyWhenTooFewShardsCanStillAnswer() {
        Gather gather = replicated(ALL, 2);

        gather.offer(reply("learner-2", ReplyStatus.NO_MODEL));
        assertThat(gather.isComplete()).isFalse();
        gather.offer(reply("learner-4", ReplyStatus.FAILED));

        assertThat(gather.isComplete()).isTrue();
        assertThat(gather.close().quorumMet()).isFalse();
    }

    @Test
    void badRequestFromOneReplicaCompletesAPredictAtOnce() {
        Gather gather = replicated(ALL, 1);

        gather.offer(reply("learner-3", ReplyStatus.BAD_REQUEST));

        assertThat(gather.isComplete()).isTrue();
        assertThat(gather.close().badRequest()).isEqualTo("boom");
    }

    @Test
    void fitWaitsForEveryReplicaAndCountsTrainedShards() {
        Gather gather = replicatedFit();

        gather.offer(reply("learner-1", ReplyStatus.OK));
        gather.offer(reply("learner-2", ReplyStatus.OK));
        assertThat(gather.isComplete()).isFalse();
        assertThat(gather.offer(reply("learner-3", ReplyStatus.OK))).isEqualTo(Offer.ACCEPTED);
        gather.offer(reply("learner-4", ReplyStatus.FAILED));

        assertThat(gather.isComplete()).isTrue();
        GatherResult result = gather.close();
        assertThat(result.used()).isEqualTo(2);
        assertThat(result.missing()).isEmpty();
        assertThat(result.hedged()).isZero();
        assertThat(result.replies()).extracting(JobReply::learnerId)
            .containsExactly("learner-1", "learner-2", "learner-3");
        assertThat(result.learners()).containsEntry("learner-4", "B");
        assertThat(result.outcomes()).containsEntry("learner-4", "failed: boom");
    }

    /** A predict or evaluate over the replicated shards: the first reply per shard serves it. */
    private Gather replicated(List<String> live, int quorum) {
        return new Gather(REPLICAS, live, quorum, DEADLINE, clock, Gather.Mode.FIRST_PER_SHARD);
    }

    /** A fit over the replicated shards, with every learner alive: every replica is waited for. */
    private Gather replicatedFit() {
        return new Gather(REPLICAS, ALL, 1, DEADLINE, clock, Gather.Mode.EVERY_LEARNER);
    }

    private static JobReply predictions(String learner, String shard, double value) {
        return new JobReply(learner, shard, JobType.PREDICT, "m1", ReplyStatus.OK, null, new double[] {value}, null,
            null, 1);
    }

    /** A gather of {@code learners}, each holding its own shard and alive when it began. */
    private Gather allLive(int quorum, String... learners) {
        return gather(List.of(learners), List.of(learners), quorum, false);
    }

    /** As {@link #allLive}, ending at once on a learner's bad-request reply (predict, evaluate). */
    private Gather allLiveStoppingOnBadRequest(int quorum, String... learners) {
        return gather(List.of(learners), List.of(learners), quorum, true);
    }

    private Gather gather(List<String> members, List<String> live, int quorum, boolean stopOnBadRequest) {
        Map<String, String> holders = new LinkedHashMap<>();
        members.forEach(m -> holders.put(m, shardOf(m)));
        return new Gather(holders, live, quorum, DEADLINE, clock,
            stopOnBadRequest ? Gather.Mode.FIRST_PER_SHARD : Gather.Mode.EVERY_LEARNER);
    }

    /** One shard per learner in the older cases: learner "a" holds shard "A". */
    private static String shardOf(String learner) {
        return learner.toUpperCase(java.util.Locale.ROOT);
    }

    /** A reply from {@code learner} for its own shard (a replica's in {@link #REPLICAS}, else its own letter). */
    private static JobReply reply(String learner, ReplyStatus status) {
        return reply(learner, REPLICAS.getOrDefault(learner, shardOf(learner)), status);
    }

    private static JobReply reply(String learner, String shard, ReplyStatus status) {
        return JobReply.of(learner, shard, JobType.PREDICT, "m1", status, status == ReplyStatus.OK ? null : "boom");
    }

    /** A clock that moves only when told to. */
    static final class TestClock extends Clock {
        private Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
