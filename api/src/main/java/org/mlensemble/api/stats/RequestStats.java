package org.mlensemble.api.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mlensemble.api.system.ApiProperties;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * This instance's traffic over the last minutes, from its own meters: every {@code interval} it
 * reads the request timers ({@code ml.api.requests}, whose fixed buckets it also publishes to
 * Prometheus) and the per-learner reply counters, and keeps what changed since the last reading.
 * The dashboard plots these samples; Prometheus remains the place for anything longer or summed
 * over instances.
 */
@Component
public class RequestStats implements DisposableBean {

    /** Requests of the stats and broker endpoints are the dashboard watching itself: not counted. */
    private static final Set<String> UNCOUNTED = Set.of("stats", "broker");

    /**
     * One interval.
     *
     * @param at                the end of the interval, ISO-8601 UTC
     * @param requestsPerSecond requests answered under /v1/ml-distributed per second
     * @param p50Ms             median latency of those requests, null without requests
     * @param p99Ms             99th percentile, null without requests; at most the largest bucket (120 s)
     * @param lateReplies       replies per learner that came after their gather had completed
     * @param missingReplies    gathers per learner that waited for it in vain
     */
    record Sample(String at, double requestsPerSecond, Double p50Ms, Double p99Ms, Map<String, Long> lateReplies,
            Map<String, Long> missingReplies) {
    }

    /** The samples of one api instance, oldest first. */
    record Series(String instance, double intervalSeconds, List<Sample> samples) {
    }

    private final MeterRegistry meters;
    private final Clock clock;
    private final StatsProperties props;
    private final String instance;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "request-stats");
        t.setDaemon(true);
        return t;
    });
    private Reading last;

    RequestStats(MeterRegistry meters, Clock clock, StatsProperties props, ApiProperties api) {
        this.meters = meters;
        this.clock = clock;
        this.props = props;
        this.instance = api.instanceName();
        this.last = read();
        long every = props.interval().toMillis();
        timer.scheduleAtFixedRate(this::sample, every, every, TimeUnit.MILLISECONDS);
    }

    Series series() {
        synchronized (samples) {
            return new Series(instance, props.interval().toMillis() / 1000.0, List.copyOf(samples));
        }
    }

    /** Takes one sample now: the scheduler's job, and a test's. */
    void sample() {
        Reading now = read();
        Sample s = now.since(last);
        last = now;
        synchronized (samples) {
            samples.addLast(s);
            while (samples.size() > props.samples()) {
                samples.removeFirst();
            }
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    /** Cumulative counts at one instant. */
    private record Reading(long atMs, long requests, double[] bounds, long[] atOrBelow, Map<String, Long> late,
            Map<String, Long> missing) {

        Sample since(Reading before) {
            double seconds = Math.max(1, atMs - before.atMs) / 1000.0;
            long n = requests - before.requests;
            long[] delta = new long[atOrBelow.length];
            boolean sameBuckets = java.util.Arrays.equals(bounds, before.bounds);
            for (int i = 0; i < delta.length; i++) {
                delta[i] = atOrBelow[i] - (sameBuckets ? before.atOrBelow[i] : 0);
            }
            return new Sample(java.time.Instant.ofEpochMilli(atMs).toString(), round(n / seconds),
                    Percentiles.of(bounds, delta, n, 0.50), Percentiles.of(bounds, delta, n, 0.99),
                    difference(late, before.late), difference(missing, before.missing));
        }

        private static Map<String, Long> difference(Map<String, Long> now, Map<String, Long> before) {
            Map<String, Long> out = new TreeMap<>();
            now.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
            return out;
        }

        private static double round(double x) {
            return Math.round(x * 100) / 100.0;
        }
    }

    private Reading read() {
        long requests = 0;
        double[] bounds = new double[0];
        long[] atOrBelow = new long[0];
        for (Timer t : meters.find("ml.api.requests").timers()) {
            if (UNCOUNTED.contains(t.getId().getTag("endpoint"))) {
                continue;
            }
            HistogramSnapshot snap = t.takeSnapshot();
            CountAtBucket[] buckets = snap.histogramCounts();
            requests += snap.count();
            if (bounds.length == 0) {
                bounds = new double[buckets.length];
                atOrBelow = new long[buckets.length];
                for (int i = 0; i < buckets.length; i++) {
                    bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
                }
            }
            long[] cumulative = Percentiles.cumulative(buckets, snap.count());
            for (int i = 0; i < Math.min(cumulative.length, atOrBelow.length); i++) {
                atOrBelow[i] += cumulative[i];
            }
        }
        return new Reading(clock.millis(), requests, bounds, atOrBelow, byLearner("ml.api.learner.replies.late"),
                byLearner("ml.api.learner.replies.missing"));
    }

    private Map<String, Long> byLearner(String name) {
        Map<String, Long> out = new TreeMap<>();
        for (Counter c : meters.find(name).counters()) {
            out.merge(c.getId().getTag("learner"), (long) c.count(), Long::sum);
        }
        return out;
    }

    /** Percentiles from bucket counts, as Prometheus' histogram_quantile reads them. */
    static final class Percentiles {

        private Percentiles() {
        }

        /**
         * The counts at or below each bound, whether the registry keeps them cumulative or per
         * bucket: cumulative counts never fall and end at most at the total.
         */
        static long[] cumulative(CountAtBucket[] buckets, long total) {
            long[] raw = new long[buckets.length];
            boolean rising = true;
            for (int i = 0; i < buckets.length; i++) {
                raw[i] = (long) buckets[i].count();
                rising &= i == 0 || raw[i] >= raw[i - 1];
            }
            if (rising && (raw.length == 0 || raw[raw.length - 1] <= total)) {
                return raw;
            }
            long[] out = new long[raw.length];
            long sum = 0;
            for (int i = 0; i < raw.length; i++) {
                sum += raw[i];
                out[i] = sum;
            }
            return out;
        }

        /**
         * The {@code q} quantile in milliseconds of {@code n} observations whose counts at or below
         * each bound are {@code atOrBelow}, interpolated linearly inside its bucket; past the last
         * bound it is the last bound. Null when there is nothing to rank.
         */
        static Double of(double[] bounds, long[] atOrBelow, long n, double q) {
            if (n <= 0 || bounds.length == 0) {
                return null;
            }
            double rank = q * n;
            double lower = 0;
            long below = 0;
            for (int i = 0; i < bounds.length; i++) {
                if (atOrBelow[i] >= rank) {
                    long inBucket = atOrBelow[i] - below;
                    double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
                    return Math.round((lower + (bounds[i] - lower) * fraction) * 100) / 100.0;
                }
                lower = bounds[i];
                below = atOrBelow[i];
            }
            return bounds[bounds.length - 1];
        }
    }
}
