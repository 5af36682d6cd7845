package org.mlensemble.api.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.membership.ModelView;
import org.mlensemble.common.gather.GatherResult;

class PredictBatcherTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ModelView MODEL = new ModelView("m-1", "house_pricing", "SalePrice", "linear", Map.of(), 1,
            0, List.of("learner-1"), Set.of("learner-1"), List.of());

    /** A job the fake ensemble received, and the switch that answers it. */
    record Sent(Map<String, List<Object>> columns, int rows, int quorum, Instant deadline,
            CompletableFuture<GatherResult> reply) {
    }

    private static final Duration HOLD = Duration.ofMillis(20);

    private final List<Sent> sent = new ArrayList<>();
    private final List<Runnable> holds = new ArrayList<>();
    private final PredictBatcher.Timer timer = (task, after) -> {
        assertThat(after).isEqualTo(HOLD);
        holds.add(task);
        return () -> holds.remove(task);
    };
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private PredictBatcher batcher(boolean enabled, int maxInFlight, int maxRows) {
        PredictBatcher.Dispatcher fake = (model, columns, rows, quorum, deadline) -> {
            Sent s = new Sent(columns, rows, quorum, deadline, new CompletableFuture<>());
            sent.add(s);
            return s.reply();
        };
        return new PredictBatcher(fake, new PredictBatcher.Settings(enabled, maxInFlight, maxRows, HOLD),
                CLOCK, Runnable::run, timer, meters);
    }

    private static CompletableFuture<PredictBatcher.Share> submit(PredictBatcher b, Map<String, List<Object>> columns,
            int rows, long deadlineMs) {
        return b.submit(MODEL, columns, rows, 1, NOW.plusMillis(deadlineMs));
    }

    private static GatherResult answered(String badRequest) {
        return new GatherResult(List.of(), List.of("A"), List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of("learner-1", "A"), List.of(), 0, 1, badRequest, List.of());
    }

    @Test
    void aRequestThatFindsAFreeSlotLeavesAtOnceAndAlone() {
        PredictBatcher b = batcher(true, 2, 1000);
        var answer = submit(b, Map.of("LotArea", List.of(8000L)), 1, 2000);

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).columns()).containsEntry("LotArea", List.of(8000L));
        sent.get(0).reply().complete(answered(null));
        assertThat(answer.join().requests()).isEqualTo(1);
        assertThat(answer.join().slice(new double[] {5})).containsExactly(5);
    }

    @Test
    void requestsThatQueueLeaveTogetherWhenAJobComesBackAndEachGetsItsOwnRows() {
        PredictBatcher b = batcher(true, 1, 1000);
        submit(b, Map.of("LotArea", List.of(1L)), 1, 2000);
        var second = submit(b, Map.of("LotArea", Arrays.asList(2L, 3L), "Street", List.of("Pave", "Grvl")), 2, 2000);
        var third = submit(b, Map.of("LotArea", List.of(4L)), 1, 1950);
        assertThat(sent).hasSize(1);

        sent.get(0).reply().complete(answered(null));

        assertThat(sent).hasSize(2);
        Sent batch = sent.get(1);
        assertThat(batch.rows()).isEqualTo(3);
        assertThat(batch.columns().get("LotArea")).containsExactly(2L, 3L, 4L);
        assertThat(batch.columns().get("Street")).containsExactly("Pave", "Grvl", null);
        assertThat(batch.deadline()).as("the earliest deadline of the batch").isEqualTo(NOW.plusMillis(1950));

        batch.reply().complete(answered(null));
        double[] reply = {20, 30, 40};
        assertThat(second.join().slice(reply)).containsExactly(20, 30);
        assertThat(third.join().slice(reply)).containsExactly(40);
        assertThat(third.join().requests()).isEqualTo(2);
        assertThat(third.join().slice(new double[] {1, 2})).as("a reply of the wrong size").isNull();
        assertThat(meters.summary("ml.api.predict.batch.requests").totalAmount()).isEqualTo(2);
    }

    @Test
    void aJobStillOutAfterMaxHoldFreesItsSlotSoTheQueueMovesOn() {
        PredictBatcher b = batcher(true, 1, 1000);
        var slow = submit(b, Map.of("x", List.of(1L)), 1, 2000);
        var queued = submit(b, Map.of("x", List.of(2L)), 1, 2000);
        assertThat(sent).hasSize(1);
        assertThat(holds).hasSize(1);

        holds.get(0).run();

        assertThat(sent).as("the queued request left while the first job is still out").hasSize(2);
        sent.get(1).reply().complete(answered(null));
        assertThat(queued).isCompleted();
        sent.get(0).reply().complete(answered(null));
        assertThat(slow).isCompleted();
        assertThat(sent).as("the first job's late return frees no second slot").hasSize(2);
        submit(b, Map.of("x", List.of(3L)), 1, 2000);
        assertThat(sent).hasSize(3);
        assertThat(holds).as("answered jobs cancel their hold timers").hasSize(1);
    }

    @Test
    void aBatchStopsAtMaxRowsAndTheRestLeavesNext() {
        PredictBatcher b = batcher(true, 1, 3);
        submit(b, Map.of("x", List.of(1L)), 1, 2000);
        for (int i = 0; i < 3; i++) {
            submit(b, Map.of("x", List.of(1L, 2L)), 2, 2000);
        }
        sent.get(0).reply().complete(answered(null));
        assertThat(sent.get(1).rows()).as("2 + 2 would pass 3 rows").isEqualTo(2);
        sent.get(1).reply().complete(answered(null));
        assertThat(sent.get(2).rows()).isEqualTo(2);
        sent.get(2).reply().complete(answered(null));
        assertThat(sent).hasSize(4);
        sent.get(3).reply().complete(answered(null));
        assertThat(sent).hasSize(4);
    }

    @Test
    void aRejectedBatchIsSplitSoOnlyTheBadRequestFails() {
        PredictBatcher b = batcher(true, 1, 1000);
        submit(b, Map.of("x", List.of(1L)), 1, 2000);
        var good = submit(b, Map.of("x", List.of(2L)), 1, 2000);
        var bad = submit(b, Map.of("x", List.of("not a number")), 1, 2000);
        sent.get(0).reply().complete(answered(null));
        sent.get(1).reply().complete(answered("column 'x' is numeric"));

        assertThat(sent).hasSize(4);
        assertThat(sent.get(2).columns().get("x")).containsExactly(2L);
        assertThat(sent.get(3).columns().get("x")).containsExactly("not a number");
        sent.get(2).reply().complete(answered(null));
        sent.get(3).reply().complete(answered("column 'x' is numeric"));
        assertThat(good.join().result().badRequest()).isNull();
        assertThat(bad.join().result().badRequest()).isEqualTo("column 'x' is numeric");
        assertThat(meters.counter("ml.api.predict.batch.splits").count()).isEqualTo(1);
    }

    @Test
    void aFailedPublishFailsItsRequestsAndFreesTheSlot() {
        int[] calls = {0};
        PredictBatcher b = new PredictBatcher((model, columns, rows, quorum, deadline) -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("broker down");
            }
            return CompletableFuture.completedFuture(answered(null));
        }, new PredictBatcher.Settings(true, 1, 1000, HOLD), CLOCK, Runnable::run, timer, meters);

        assertThat(submit(b, Map.of("x", List.of(1L)), 1, 2000)).isCompletedExceptionally();
        assertThat(submit(b, Map.of("x", List.of(1L)), 1, 2000).join().requests()).isEqualTo(1);
    }

    @Test
    void differentQuorumsAndDisabledBatchingNeverShareAJob() {
        PredictBatcher b = batcher(true, 1, 1000);
        b.submit(MODEL, Map.of("x", List.of(1L)), 1, 1, NOW.plusMillis(2000));
        b.submit(MODEL, Map.of("x", List.of(1L)), 1, 2, NOW.plusMillis(2000));
        assertThat(sent).as("a lane per quorum").hasSize(2);

        PredictBatcher off = batcher(false, 1, 1000);
        submit(off, Map.of("x", List.of(1L)), 1, 2000);
        submit(off, Map.of("x", List.of(1L)), 1, 2000);
        assertThat(sent).hasSize(4);
    }
}
