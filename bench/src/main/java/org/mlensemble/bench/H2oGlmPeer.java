package org.mlensemble.bench;

import hex.glm.GLM;
import hex.glm.GLMModel;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import water.H2O;
import water.Key;
import water.fvec.Frame;
import water.fvec.NFSFileVec;
import water.fvec.Vec;
import water.parser.ParseDataset;

/**
 * The H2O-3 peer of the fit comparison (P3p): an embedded one-node H2O (no web server) parses the
 * 4 shards' CSV files into one frame and fits a gaussian GLM on every column but the target and
 * {@code Id}, with no regularisation (plain least squares, as our linear members), H2O's default
 * IRLSM solver and 2 threads; then scores the dataset's test rows. Wall time = parse + fit.
 * <p>
 * Runs on H2O's own class path only (bench/target/h2o-classpath.txt, written by the build), so
 * nothing of the project is on it:
 * {@code java -cp bench/target/classes:$(cat bench/target/h2o-classpath.txt) org.mlensemble.bench.H2oGlmPeer DATASET_DIR}
 * <p>
 * Prints one JSON line, as {@link PeerFit} does.
 */
public final class H2oGlmPeer {

    private static final String TARGET = "SalePrice";

    private H2oGlmPeer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 27321;
        Path ice = Files.createTempDirectory("h2o-peer");
        long t0 = System.nanoTime();
        H2O.main(new String[] {"-name", "peer-" + ProcessHandle.current().pid(), "-ip", "127.0.0.1", "-port",
                Integer.toString(port), "-nthreads", "2", "-disable_web", "-log_level", "WARN", "-ice_root",
                ice.toString()});
        H2O.waitForCloudSize(1, 30_000);
        long started = System.nanoTime();

        List<Key> files = new ArrayList<>();
        for (String shard : List.of("A", "B", "C", "D")) {
            files.add(NFSFileVec.make(dir.resolve(shard).resolve("data.csv").toFile())._key);
        }
        Frame train = ParseDataset.parse(Key.make("train.hex"), files.toArray(new Key[0]));
        long parsed = System.nanoTime();

        GLMModel.GLMParameters p = new GLMModel.GLMParameters(GLMModel.GLMParameters.Family.gaussian);
        p._train = train._key;
        p._response_column = TARGET;
        p._ignored_columns = new String[] {"Id"};
        p._lambda = new double[] {0};
        GLMModel model = new GLM(p).trainModel().get();
        long fitted = System.nanoTime();

        Frame test = ParseDataset.parse(Key.make("test.hex"),
                NFSFileVec.make(new File(dir.resolve("test").resolve("data.csv").toString()))._key);
        Frame scored = model.score(test);
        Vec actual = test.vec(TARGET);
        Vec predicted = scored.vec(0);
        long n = 0;
        double sum = 0;
        for (long i = 0; i < actual.length(); i++) {
            if (!actual.isNA(i)) {
                sum += actual.at(i);
                n++;
            }
        }
        double mean = sum / n;
        double sse = 0;
        double sst = 0;
        for (long i = 0; i < actual.length(); i++) {
            if (!actual.isNA(i)) {
                double e = predicted.at(i) - actual.at(i);
                sse += e * e;
                sst += (actual.at(i) - mean) * (actual.at(i) - mean);
            }
        }
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
        System.out.println(String.format(Locale.ROOT,
                "{\"peer\":\"h2o-glm\",\"rows\":%d,\"features\":%d,\"parseMs\":%d,\"fitMs\":%d,\"wallMs\":%d,"
                        + "\"startMs\":%d,\"processCpuMs\":%d,\"testRows\":%d,\"r2\":%.5f,\"rmse\":%.1f,"
                        + "\"params\":{\"family\":\"gaussian\",\"lambda\":0,\"solver\":\"%s\",\"nthreads\":2,"
                        + "\"h2oVersion\":\"%s\"}}",
                train.numRows(), model._output.beta().length - 1, ms(parsed - started), ms(fitted - parsed),
                ms(fitted - started), ms(started - t0), cpu, n, 1 - sse / sst, Math.sqrt(sse / n),
                model._parms._solver, H2O.ABV.projectVersion()));
        System.out.flush();
        H2O.orderlyShutdown(5_000);
        System.exit(0);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
