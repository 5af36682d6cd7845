package org.mlensemble.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.learner.training.Learner;
import org.mlensemble.learner.training.MemberStore;
import org.mlensemble.learner.training.MemberTrainer;

/**
 * What a replica of a shard pays to get a member: training it itself (what a fit does) against
 * the size of the stored member it could copy from a peer instead (what a late joiner does).
 * Joins the first {@code shards} shards of a dataset into one shard of a scratch dataset, trains
 * a linear and a forest member on it with the learners' own {@link Learner} and
 * {@link MemberStore}, and reports per algorithm the fit time (best of {@code runs}), the bytes of
 * the saved member folder, and the time to load it back.
 * <p>
 * Run on the learner-worker classpath:
 * {@code java -cp bench/target/classes:CLASSPATH org.mlensemble.bench.ReplicaCost data/house_pricing [shards] [runs]}
 * <p>
 * Prints one JSON line per algorithm.
 */
public final class ReplicaCost {

    /** Tribuo logs every training run at INFO; held here so that the level sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    public static void main(String[] args) throws Exception {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        Path source = Path.of(args[0]);
        int shards = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path work = Files.createTempDirectory("replica-cost-");
        Path shard = work.resolve("data").resolve("joined").resolve("A");
        Files.createDirectories(shard);
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            List<String> part = Files.readAllLines(source.resolve(String.valueOf((char) ('A' + s))).resolve("data.csv"));
            lines.addAll(s == 0 ? part : part.subList(1, part.size()));
        }
        Files.write(shard.resolve("data.csv"), lines);
        int rows = lines.size() - 1;
        Clock clock = Clock.systemUTC();
        for (String algorithm : List.of("linear", "forest")) {
            Map<String, Object> params = algorithm.equals("forest") ? Map.of("trees", 25) : Map.of();
            long best = Long.MAX_VALUE;
            Path saved = null;
            for (int run = 0; run < runs; run++) {
                Path models = work.resolve("models-" + algorithm + "-" + run);
                Learner learner = new Learner(new Learner.Settings("learner-1", "A", work.resolve("data"), 3),
                        new MemberStore(models), new MemberTrainer(clock), clock);
                FitJob job = new FitJob("m-" + algorithm, clock.millis(), "joined", "SalePrice", algorithm, params, 42,
                        "shard", false, false, Map.of(), List.of("Id"));
                long t0 = System.nanoTime();
                JobReply reply = learner.fit(job);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (!reply.ok()) {
                    throw new IllegalStateException(reply.reason());
                }
                best = Math.min(best, ms);
                saved = models.resolve("m-" + algorithm);
            }
            long bytes;
            // Tribuo's protobuf for linear, XGBoost's UBJSON for forest
            Path modelFile = Files.exists(saved.resolve("member.ubj")) ? saved.resolve("member.ubj")
                    : saved.resolve("member.tribuo");
            long modelBytes = Files.size(modelFile);
            try (Stream<Path> files = Files.walk(saved)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            long t0 = System.nanoTime();
            int loaded = new MemberStore(saved.getParent()).loadAll().members().size();
            long loadMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf(java.util.Locale.ROOT,
                    "{\"algorithm\":\"%s\",\"rows\":%d,\"fitMsBest\":%d,\"runs\":%d,\"memberBytes\":%d,"
                            + "\"tribuoBytes\":%d,\"loadMs\":%d,\"loaded\":%d}%n",
                    algorithm, rows, best, runs, bytes, modelBytes, loadMs, loaded);
        }
    }
}
