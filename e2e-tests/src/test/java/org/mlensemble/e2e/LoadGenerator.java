package org.mlensemble.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A closed-loop load: each worker sends its next request when the previous one is answered. Bounded
 * in count and in time; every request carries its own timeout (see {@link Http}), so the load always
 * ends. The requests go wherever the scenario points them, which {@link Http} limits to 127.0.0.1.
 */
final class LoadGenerator implements AutoCloseable {

    /** One request of the load, and what it is about (e.g. the row it predicts). */
    record Call(Object tag, java.util.function.Supplier<Http.Reply> send) {
    }

    /** @param startedAtMs when the request left, in ms since the load started */
    record Sample(long seq, Object tag, long startedAtMs, Http.Reply reply) {
    }

    /**
     * The figures of a set of samples.
     *
     * @param ok       200 with every expected member
     * @param degraded 200 with members missing
     * @param failed   anything else: an error status, no answer, a timeout
     * @param hung     no answer within the request's timeout (deadline + 1 s)
     */
    record Stats(long sent, long ok, long degraded, long failed, long hung, long maxLatencyMs,
            Map<String, Long> byStatus) {

        static Stats of(Collection<Sample> samples) {
            long ok = 0;
            long degraded = 0;
            long failed = 0;
            long hung = 0;
            long max = 0;
            Map<String, Long> byStatus = new TreeMap<>();
            for (Sample s : samples) {
                Http.Reply r = s.reply();
                max = Math.max(max, r.latencyMs());
                byStatus.merge(r.status() < 0 ? (r.timedOut() ? "timeout" : "no-answer") : Integer.toString(r.status()),
                        1L, Long::sum);
                if (r.timedOut()) {
                    hung++;
                }
                if (r.degraded()) {
                    degraded++;
                } else if (r.ok()) {
                    ok++;
                } else {
                    failed++;
                }
            }
            return new Stats(samples.size(), ok, degraded, failed, hung, max, byStatus);
        }

        double successRatio() {
            return sent == 0 ? 0 : (ok + degraded) / (double) sent;
        }
    }

    private final String name;
    private final List<Thread> workers = new ArrayList<>();
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicLong next = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final long startNanos = System.nanoTime();
    private final long maxRequests;
    private final Duration maxDuration;

    private LoadGenerator(String name, long maxRequests, Duration maxDuration) {
        this.name = name;
        this.maxRequests = maxRequests;
        this.maxDuration = maxDuration;
    }

    /**
     * Starts {@code workers} closed loops that together send at most {@code maxRequests} requests
     * and start none after {@code maxDuration}.
     */
    static LoadGenerator start(String name, int workers, long maxRequests, Duration maxDuration,
            LongFunction<Call> calls) {
        LoadGenerator g = new LoadGenerator(name, maxRequests, maxDuration);
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(() -> g.loop(calls), name + "-" + w);
            t.setDaemon(true);
            g.workers.add(t);
            t.start();
        }
        return g;
    }

    private void loop(LongFunction<Call> calls) {
        while (!stopped.get() && elapsedMs() < maxDuration.toMillis()) {
            long seq = next.getAndIncrement();
            if (seq >= maxRequests) {
                return;
            }
            Call c = calls.apply(seq);
            long at = elapsedMs();
            samples.add(new Sample(seq, c.tag(), at, c.send().get()));
        }
    }

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    int completed() {
        return samples.size();
    }

    /** Samples so far (a copy). */
    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Waits for the load to end by itself (its bounds) and returns the samples in send order. */
    List<Sample> awaitEnd(Duration requestTimeout) {
        long deadline = System.nanoTime() + maxDuration.plus(requestTimeout).plusSeconds(5).toNanos();
        for (Thread t : workers) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                t.join(Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                throw new IllegalStateException("load " + name + ": worker " + t.getName() + " did not finish");
            }
        }
        List<Sample> out = new ArrayList<>(samples);
        out.sort(Comparator.comparingLong(Sample::seq));
        return out;
    }

    /** Stops sending; requests in flight still complete. */
    void stop() {
        stopped.set(true);
    }

    @Override
    public void close() {
        stop();
    }
}
