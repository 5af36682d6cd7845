package org.mlensemble.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop constant-rate HTTP load generator (what wrk2 does, without wrk2): request i is due at
 * {@code t0 + i / rate} whatever happened to the earlier ones, and its latency is measured from that
 * due time, so a stalled server shows as latency instead of silently lowering the rate
 * (no coordinated omission). Every latency is kept and sorted: the percentiles are exact.
 * <p>
 * {@code java -cp bench/target/classes org.mlensemble.bench.LoadGen URL --rate R --duration S [--warmup S] [--body FILE] [--max-in-flight N]
 * [--timeout-ms T] [--header "Name: value"] [--trace FILE]}
 * <p>
 * POSTs FILE when given, else GETs. Prints one JSON line: counts, achieved rate and latency
 * percentiles in milliseconds over the measured part (the warm-up is sent but not recorded).
 * {@code --trace FILE} also writes each measured request as a line {@code <due, epoch ms> <latency ms>},
 * to lay the slow ones beside the processes' GC and safepoint logs.
 */
public final class LoadGen {

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: LoadGen URL --rate R --duration S [--warmup S] [--body FILE] [--max-in-flight N]"
                    + " [--timeout-ms T] [--header 'Name: value'] [--trace FILE]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        double rate = 100;
        double duration = 10;
        double warmup = 2;
        Path body = null;
        int maxInFlight = 256;
        long timeoutMs = 10_000;
        String header = null;
        Path trace = null;
        for (int i = 1; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--rate" -> rate = Double.parseDouble(v);
                case "--duration" -> duration = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--body" -> body = Path.of(v);
                case "--max-in-flight" -> maxInFlight = Integer.parseInt(v);
                case "--timeout-ms" -> timeoutMs = Long.parseLong(v);
                case "--header" -> header = v;
                case "--trace" -> trace = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (rate <= 0 || duration <= 0) {
            throw new IllegalArgumentException("--rate and --duration must be positive");
        }

        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "loadgen-http");
                    t.setDaemon(true);
                    return t;
                }))
                .build();
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMs));
        if (header != null) {
            int c = header.indexOf(':');
            rb.header(header.substring(0, c).trim(), header.substring(c + 1).trim());
        }
        HttpRequest request = body == null ? rb.GET().build()
                : rb.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(body))).build();

        long warmupCount = (long) Math.ceil(warmup * rate);
        long measuredCount = (long) Math.ceil(duration * rate);
        long total = warmupCount + measuredCount;
        long[] latencyNanos = new long[(int) measuredCount];
        long[] dueNanos = new long[(int) measuredCount];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicLong stalledNanos = new AtomicLong();
        Semaphore inFlight = new Semaphore(maxInFlight);
        double intervalNanos = 1e9 / rate;

        long t0 = System.nanoTime() + 50_000_000L;
        long measureStart = t0 + (long) (warmupCount * intervalNanos);
        for (long i = 0; i < total; i++) {
            long due = t0 + (long) (i * intervalNanos);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!inFlight.tryAcquire()) {
                // the generator never sends more than maxInFlight at once; the wait counts as latency
                long s = System.nanoTime();
                inFlight.acquireUninterruptibly();
                stalledNanos.addAndGet(System.nanoTime() - s);
            }
            boolean measured = i >= warmupCount;
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
                long end = System.nanoTime();
                inFlight.release();
                if (err != null) {
                    if (err instanceof java.net.http.HttpTimeoutException
                            || err.getCause() instanceof java.net.http.HttpTimeoutException) {
                        timeouts.incrementAndGet();
                    }
                    errors.incrementAndGet();
                    return;
                }
                if (resp.statusCode() / 100 != 2) {
                    non2xx.incrementAndGet();
                }
                if (measured) {
                    int k = recorded.getAndIncrement();
                    if (k < latencyNanos.length) {
                        latencyNanos[k] = end - due;
                        dueNanos[k] = due;
                    }
                }
            });
        }
        long sendEnd = System.nanoTime();
        // wait for the stragglers (bounded by the request timeout)
        inFlight.tryAcquire(maxInFlight, timeoutMs + 2000, TimeUnit.MILLISECONDS);
        long end = System.nanoTime();

        int n = Math.min(recorded.get(), latencyNanos.length);
        if (trace != null) {
            long epochNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
            StringBuilder lines = new StringBuilder();
            for (int k = 0; k < n; k++) {
                lines.append(String.format(Locale.ROOT, "%.3f %.3f%n", (epochNanos + dueNanos[k]) / 1e6,
                        latencyNanos[k] / 1e6));
            }
            Files.writeString(trace, lines);
        }
        long[] lat = Arrays.copyOf(latencyNanos, n);
        Arrays.sort(lat);
        double measuredSeconds = (sendEnd - measureStart) / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "{\"url\":\"%s\",\"method\":\"%s\",\"targetRate\":%.1f,\"sentRate\":%.1f,\"durationS\":%.2f,"
                        + "\"warmupS\":%.2f,\"sent\":%d,\"measured\":%d,\"errors\":%d,\"timeouts\":%d,\"non2xx\":%d,"
                        + "\"generatorStalledMs\":%.1f,\"drainMs\":%.1f,"
                        + "\"p50Ms\":%.3f,\"p90Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f,\"meanMs\":%.3f}",
                uri, body == null ? "GET" : "POST", rate, measuredCount / measuredSeconds, measuredSeconds, warmup,
                total, n, errors.get(), timeouts.get(), non2xx.get(), stalledNanos.get() / 1e6, (end - sendEnd) / 1e6,
                pct(lat, 0.50), pct(lat, 0.90), pct(lat, 0.99), pct(lat, 0.999), n == 0 ? Double.NaN : lat[n - 1] / 1e6,
                n == 0 ? Double.NaN : Arrays.stream(lat).average().orElse(0) / 1e6));
        System.exit(0);
    }

    /** Nearest-rank percentile of sorted nanos, in milliseconds. */
    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private LoadGen() throws IOException {
    }
}
