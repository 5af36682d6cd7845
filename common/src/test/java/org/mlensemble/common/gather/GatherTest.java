package org.mlensemble.common.gather;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
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
        Gather gather = gather(List.of("a", "b", "c"), List.of("a", "b", "c"), 2, false);

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
    void stopsWaitingForALearnerThatPresenceLost() {
        Gather gather = gather(List.of("a", "b", "c"), List.of("a", "b", "c"), 1, false);
        gather.offer(reply("a", ReplyStatus.OK));
        gather.offer(reply("b", ReplyStatus.OK));

        assertThat(gather.retainAwaited(List.of("a", "b", "c"))).isFalse();
        assertThat(gather.retainAwaited(List.of("a", "b"))).isTrue();

        GatherResult result = gather.close();
        assertThat(result.used()).isEqualTo(2);
        assertThat(result.missing()).containsExactly("c");
        assertThat(result.outcomes().get("c")).startsWith("lost during the request");
    }

    @Test
    void isNotCompleteBeforeAnyReply() {
        Gather gather = gather(List.of("a", "b"), List.of("a", "b"), 1, false);

        assertThat(gather.isComplete()).isFalse();
    }

    @Test
    void completesAtDeadlineWithPartialReplies() {
        Gather gather = gather(List.of("a", "b", "c"), List.of("a", "b", "c"), 1, false);
        gather.offer(reply("a", ReplyStatus.OK));

        clock.advance(Duration.ofSeconds(9));
        assertThat(gather.isComplete()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(gather.isComplete()).isTrue();

        GatherResult result = gather.close();
        assertThat(result.ok()).extracting(JobReply::learnerId).containsExactly("a");
        assertThat(result.missing()).containsExactly("b", "c");
        assertThat(result.outcomes()).containsEntry("b", "no reply before the deadline")
            .containsEntry("c", "no reply before the deadline");
        assertThat(result.quorumMet()).isTrue();
        assertThat(result.expected()).isEqualTo(3);
    }

    @Test
    void completesEarlyWhenTheQuorumCanNoLongerBeMet() {
        Gather gather = gather(List.of("a", "b", "c"), List.of("a", "b", "c"), 3, false);
        gather.offer(reply("a", ReplyStatus.OK));
        assertThat(gather.isComplete()).isFalse();

        gather.offer(reply("b", ReplyStatus.FAILED));

        assertThat(gather.isComplete()).isTrue();
        GatherResult result = gather.close();
        assertThat(result.quorumMet()).isFalse();
        assertThat(result.missing()).containsExactly("b", "c");
        assertThat(result.outcomes()).containsEntry("b", "failed: boom");
    }

    @Test
    void replyAfterCloseIsLateAndNotCounted() {
        Gather gather = gather(List.of("a", "b"), List.of("a", "b"), 1, false);
        gather.offer(reply("a", ReplyStatus.OK));
        gather.close();

        assertThat(gather.offer(reply("b", ReplyStatus.OK))).isEqualTo(Offer.LATE);
        assertThat(gather.close().ok()).extracting(JobReply::learnerId).containsExactly("a");
    }

    @Test
    void replyAtOrAfterTheDeadlineIsLate() {
        Gather gather = gather(List.of("a", "b"), List.of("a", "b"), 1, false);
        clock.advance(Duration.ofSeconds(10));

        assertThat(gather.offer(reply("a", ReplyStatus.OK))).isEqualTo(Offer.LATE);
        clock.advance(Duration.ofSeconds(5));
        assertThat(gather.offer(reply("b", ReplyStatus.OK))).isEqualTo(Offer.LATE);
        assertThat(gather.close().used()).isZero();
    }

    @Test
    void replyJustBeforeTheDeadlineIsAccepted() {
        Gather gather = gather(List.of("a"), List.of("a"), 1, false);
        clock.advance(Duration.ofSeconds(10).minusMillis(1));

        assertThat(gather.offer(reply("a", ReplyStatus.OK))).isEqualTo(Offer.ACCEPTED);
    }

    @Test
    void secondReplyFromTheSameLearnerIsDuplicateAndIgnored() {
        Gather gather = gather(List.of("a", "b"), List.of("a", "b"), 1, false);

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
        assertThat(result.missing()).containsExactly("c");
        assertThat(result.outcomes()).containsEntry("c", "not alive");
        assertThat(result.expected()).isEqualTo(3);
        assertThat(result.used()).isEqualTo(2);
    }

    @Test
    void learnerOutsideMembersThatRepliesOkIsUsed() {
        Gather gather = gather(List.of("a"), List.of("a"), 1, false);

        assertThat(gather.offer(reply("x", ReplyStatus.OK))).isEqualTo(Offer.ACCEPTED);
        gather.offer(reply("a", ReplyStatus.OK));

        GatherResult result = gather.close();
        assertThat(result.ok()).extracting(JobReply::learnerId).containsExactlyInAnyOrder("a", "x");
        assertThat(result.members()).contains("x");
        assertThat(result.outcomes()).containsEntry("x", "ok");
        assertThat(result.missing()).isEmpty();
        assertThat(result.others()).isEmpty();
    }

    @Test
    void learnerOutsideMembersWithoutTheModelIsReportedAsOtherNotMissing() {
        Gather gather = gather(List.of("a"), List.of("a"), 1, false);

        gather.offer(reply("x", ReplyStatus.NO_MODEL));
        gather.offer(reply("a", ReplyStatus.OK));
        GatherResult result = gather.close();

        assertThat(result.others()).extracting(JobReply::learnerId).containsExactly("x");
        assertThat(result.members()).containsExactly("a");
        assertThat(result.missing()).isEmpty();
    }

    @Test
    void liveLearnerNotListedAsMemberIsStillAwaited() {
        Gather gather = gather(List.of("a"), List.of("a", "x"), 1, false);
        gather.offer(reply("a", ReplyStatus.OK));

        assertThat(gather.isComplete()).isFalse();
        GatherResult result = gather.close();
        assertThat(result.members()).containsExactly("a", "x");
        assertThat(result.outcomes()).containsEntry("x", "no reply before the deadline");
    }

    @Test
    void stopsOnBadRequestWhenAsked() {
        Gather gather = gather(List.of("a", "b", "c"), List.of("a", "b", "c"), 1, true);

        gather.offer(reply("a", ReplyStatus.BAD_REQUEST));

        assertThat(gather.isComplete()).isTrue();
        GatherResult result = gather.close();
        assertThat(result.badRequest()).isEqualTo("boom");
        assertThat(result.outcomes()).containsEntry("a", "rejected the request: boom");
    }

    @Test
    void keepsWaitingAfterBadRequestWhenNotAsked() {
        Gather gather = gather(List.of("a", "b", "c"), List.of("a", "b", "c"), 1, false);

        gather.offer(reply("a", ReplyStatus.BAD_REQUEST));

        assertThat(gather.isComplete()).isFalse();
        assertThat(gather.close().badRequest()).isEqualTo("boom");
    }

    @Test
    void refusesQuorumBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> gather(List.of("a"), List.of("a"), 0, false));
        assertThrows(IllegalArgumentException.class, () -> gather(List.of("a"), List.of("a"), -1, false));
    }

    @Test
    void remainingShrinksWithTheClockAndNeverGoesNegative() {
        Gather gather = gather(List.of("a"), List.of("a"), 1, false);

        clock.advance(Duration.ofSeconds(4));
        assertThat(gather.remaining()).isEqualTo(Duration.ofSeconds(6));
        clock.advance(Duration.ofSeconds(20));
        assertThat(gather.remaining()).isEqualTo(Duration.ZERO);
    }

    private Gather gather(List<String> members, List<String> live, int quorum, boolean stopOnBadRequest) {
        return new Gather(members, live, quorum, DEADLINE, clock, stopOnBadRequest);
    }

    private static JobReply reply(String learner, ReplyStatus status) {
        return JobReply.of(learner, "shard-" + learner, JobType.PREDICT, "m1", status,
            status == ReplyStatus.OK ? null : "boom");
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
