package org.mlensemble.api.ensemble;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mlensemble.api.membership.ModelView;
import org.mlensemble.common.gather.GatherResult;

/**
 * Coalesces concurrent predicts of one model into shared jobs. Every job costs a publish, four
 * deliveries, four acknowledgements, four replies and four Tribuo calls whatever its size, so under
 * load that fixed cost, not the rows, is what limits throughput.
 * <p>
 * Batching is adaptive and adds no wait: each lane (model, quorum, deadline) keeps at most
 * {@code maxInFlight} jobs in flight. A request that finds a free slot is sent at once, alone; one
 * that does not waits for the next job to come back, and then leaves with everyone who queued
 * behind it (up to {@code maxRows} rows). At low load every request travels alone; under load the
 * jobs grow by themselves. A job holds its slot until it comes back or for {@code maxHold},
 * whichever is first, so a slow learner that keeps jobs out until their deadline does not hold
 * the queue: no request waits longer than {@code maxHold} to leave.
 * <p>
 * A batch keeps every guarantee of a single request: it leaves by the earliest deadline among its
 * requests, so no request is answered later than it asked, and it is only built from requests with
 * the same quorum. When a learner rejects a batch, the batch is split and each request is sent
 * again alone: a client's bad row never fails someone else's request.
 */
public final class PredictBatcher {

    /** Sends one predict job and gathers its replies. */
    interface Dispatcher {
        CompletableFuture<GatherResult> dispatch(ModelView model, Map<String, List<Object>> columns, int rows,
                int quorum, Instant deadline);
    }

    /** Runs a task later. */
    interface Timer {
        /** Schedules {@code task}; the returned action cancels it. */
        Runnable schedule(Runnable task, Duration after);
    }

    /**
     * A request's part of a job: rows {@code [offset, offset + rows)} of every reply.
     *
     * @param batchRows rows in the whole job, what each reply must hold
     * @param requests  requests that shared the job
     */
    record Share(GatherResult result, int offset, int rows, int batchRows, int requests) {

        /** This request's predictions out of a reply's, or null when the reply has the wrong size. */
        double[] slice(double[] predictions) {
            if (predictions == null || predictions.length != batchRows) {
                return null;
            }
            return offset == 0 && rows == batchRows ? predictions
                    : Arrays.copyOfRange(predictions, offset, offset + rows);
        }
    }

    /**
     * @param enabled     false sends every request as its own job
     * @param maxInFlight jobs in flight per lane before requests start to queue and then share one
     * @param maxRows     most rows in one shared job; a larger request travels alone
     * @param maxHold     longest a job keeps its slot while its replies are still out
     */
    public record Settings(boolean enabled, int maxInFlight, int maxRows, Duration maxHold) {
    }

    private record Key(String modelId, int quorum, long deadlineMs) {
    }

    private record Request(ModelView model, Map<String, List<Object>> columns, int rows, int quorum, Instant deadline,
            CompletableFuture<Share> answer) {
    }

    private static final class Lane {
        int inFlight;
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
    }

    private final Dispatcher dispatcher;
    private final Settings settings;
    private final Clock clock;
    private final Executor executor;
    private final Timer timer;
    private final MeterRegistry meters;
    private final Map<Key, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * @param executor sends the jobs that leave when a slot frees, off the thread that delivered
     *                 the replies
     * @param timer    times {@code maxHold}
     */
    PredictBatcher(Dispatcher dispatcher, Settings settings, Clock clock, Executor executor, Timer timer,
            MeterRegistry meters) {
        this.timer = timer;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
        this.meters = meters;
    }

    CompletableFuture<Share> submit(ModelView model, Map<String, List<Object>> columns, int rows, int quorum,
            Instant deadline) {
        Request request = new Request(model, columns, rows, quorum, deadline, new CompletableFuture<>());
        if (!settings.enabled() || rows >= settings.maxRows()) {
            sendAlone(request);
            return request.answer();
        }
        long deadlineMs = deadline.toEpochMilli() - clock.millis();
        // requests that asked for the same deadline share a lane; a few ms of skew do not matter
        Key key = new Key(model.modelId(), quorum, Math.round(deadlineMs / 100.0));
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
        synchronized (lane) {
            if (lane.inFlight >= settings.maxInFlight()) {
                lane.waiting.add(request);
                return request.answer();
            }
            lane.inFlight++;
        }
        send(key, lane, List.of(request));
        return request.answer();
    }

    private void send(Key key, Lane lane, List<Request> batch) {
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                next(key, lane);
            }
        };
        CompletableFuture<GatherResult> gathered;
        try {
            gathered = dispatchBatch(batch);
        } catch (RuntimeException e) {
            batch.forEach(r -> r.answer().completeExceptionally(e));
            release.run();
            return;
        }
        Runnable cancelHold = gathered.isDone() ? () -> { } : timer.schedule(release, settings.maxHold());
        gathered.whenComplete((result, failure) -> {
            cancelHold.run();
            try {
                answer(batch, result, failure);
            } finally {
                release.run();
            }
        });
    }

    private CompletableFuture<GatherResult> dispatchBatch(List<Request> batch) {
        Request first = batch.get(0);
        if (batch.size() == 1) {
            return dispatcher.dispatch(first.model(), first.columns(), first.rows(), first.quorum(), first.deadline());
        }
        Instant deadline = batch.stream().map(Request::deadline).min(Instant::compareTo).orElseThrow();
        int rows = batch.stream().mapToInt(Request::rows).sum();
        meters.summary("ml.api.predict.batch.requests").record(batch.size());
        meters.summary("ml.api.predict.batch.rows").record(rows);
        return dispatcher.dispatch(first.model(), merge(batch, rows), rows, first.quorum(), deadline);
    }

    private void answer(List<Request> batch, GatherResult result, Throwable failure) {
        if (failure != null) {
            batch.forEach(r -> r.answer().completeExceptionally(failure));
            return;
        }
        if (batch.size() > 1 && result.badRequest() != null) {
            meters.counter("ml.api.predict.batch.splits").increment();
            batch.forEach(this::sendAlone);
            return;
        }
        int rows = batch.stream().mapToInt(Request::rows).sum();
        int offset = 0;
        for (Request r : batch) {
            r.answer().complete(new Share(result, offset, r.rows(), rows, batch.size()));
            offset += r.rows();
        }
    }

    private void sendAlone(Request r) {
        try {
            dispatcher.dispatch(r.model(), r.columns(), r.rows(), r.quorum(), r.deadline()).whenComplete(
                    (result, failure) -> {
                        if (failure != null) {
                            r.answer().completeExceptionally(failure);
                        } else {
                            r.answer().complete(new Share(result, 0, r.rows(), r.rows(), 1));
                        }
                    });
        } catch (RuntimeException e) {
            r.answer().completeExceptionally(e);
        }
    }

    /** A slot is free: the requests that queued meanwhile leave together, or the slot stays free. */
    private void next(Key key, Lane lane) {
        List<Request> batch = new ArrayList<>();
        synchronized (lane) {
            int rows = 0;
            while (!lane.waiting.isEmpty()
                    && (batch.isEmpty() || rows + lane.waiting.peek().rows() <= settings.maxRows())) {
                Request r = lane.waiting.poll();
                rows += r.rows();
                batch.add(r);
            }
            if (batch.isEmpty()) {
                lane.inFlight--;
                if (lane.inFlight == 0) {
                    lanes.remove(key, lane);
                }
                return;
            }
        }
        executor.execute(() -> send(key, lane, batch));
    }

    /** The requests' columns end to end; a column a request lacks is missing (null) in its rows. */
    private static Map<String, List<Object>> merge(List<Request> requests, int rows) {
        Map<String, List<Object>> merged = new LinkedHashMap<>();
        int offset = 0;
        for (Request r : requests) {
            for (Map.Entry<String, List<Object>> e : r.columns().entrySet()) {
                List<Object> column = merged.computeIfAbsent(e.getKey(), k -> new ArrayList<>(rows));
                while (column.size() < offset) {
                    column.add(null);
                }
                column.addAll(e.getValue());
            }
            offset += r.rows();
        }
        for (List<Object> column : merged.values()) {
            while (column.size() < rows) {
                column.add(null);
            }
        }
        return merged;
    }
}
