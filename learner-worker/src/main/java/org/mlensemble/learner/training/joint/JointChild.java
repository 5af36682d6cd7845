package org.mlensemble.learner.training.joint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.Communicator;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.RabitTracker;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.learner.training.BoostedTrainer;

/**
 * The child process of a joint training, started by a learner and never run inside one: XGBoost's
 * collective is native code that, on some failures of a peer, calls {@code exit(-1)}, and a worker
 * that dies fails every other worker's training. Here that ends this process, and the learner that
 * started it reports the failure and goes on serving.
 * <ul>
 *   <li>{@code tracker <workers> <host> <timeoutSeconds>}: runs XGBoost's tracker, prints one line
 *       {@code TRACKER <worker arguments as JSON>} and waits for the workers to finish;</li>
 *   <li>{@code worker <task file> <output folder>}: joins the collective named in the task (see
 *       {@link WorkerTask}), trains on its matrices, and writes rank 0's model to
 *       {@code model.ubj} and a {@link WorkerResult} to {@code result.json}; prints
 *       {@code PROGRESS <percent>} lines meanwhile.</li>
 * </ul>
 * Either exits as soon as its standard input closes: the learner that started it is gone, and a
 * training nobody waits for must not linger. Exit codes: 0 done, 2 usage, 3 failed.
 */
public final class JointChild {

    public static final String TRACKER_LINE = "TRACKER ";
    public static final String PROGRESS_LINE = "PROGRESS ";
    public static final String MODEL_FILE = "model.ubj";
    public static final String RESULT_FILE = "result.json";
    /** Starts the line on standard error that says why the child failed. */
    static final String FAILURE_LINE = "joint training failed: ";

    private JointChild() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        exitWithParent();
        try {
            if (args.length == 4 && "tracker".equals(args[0])) {
                tracker(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]), out);
            } else if (args.length == 3 && "worker".equals(args[0])) {
                worker(Path.of(args[1]), Path.of(args[2]), out);
            } else {
                System.err.println("usage: tracker <workers> <host> <timeoutSeconds> | worker <task> <output>");
                System.exit(2);
            }
        } catch (Exception | Error e) {
            System.err.println(FAILURE_LINE + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(3);
        }
        Runtime.getRuntime().halt(0); // native threads of the collective must not keep the JVM up
    }

    private static void tracker(int workers, String host, int timeoutSeconds, PrintStream out)
            throws XGBoostError, java.net.UnknownHostException {
        // the tracker binds an address: a host name (a compose service) is resolved first
        String address = java.net.InetAddress.getByName(host).getHostAddress();
        RabitTracker tracker = new RabitTracker(workers, address, 0, timeoutSeconds);
        if (!tracker.start()) {
            throw new IllegalStateException("the tracker did not start");
        }
        out.println(TRACKER_LINE + new String(MessageCodec.encode(tracker.getWorkerArgs()), StandardCharsets.UTF_8));
        tracker.waitFor(timeoutSeconds * 1000L);
        tracker.stop();
    }

    private static void worker(Path taskFile, Path output, PrintStream out) throws IOException, XGBoostError {
        WorkerTask.Input input = WorkerTask.read(taskFile);
        WorkerTask task = input.task();
        Map<String, Object> args = new HashMap<>(task.tracker());
        args.put("dmlc_task_id", Integer.toString(task.rank()));
        // init, the matrices, every round and shutdown on this one thread: the communicator is thread-local
        Communicator.init(args);
        DMatrix train = null;
        DMatrix valid = null;
        try {
            int rank = Communicator.getRank();
            int workers = Communicator.getWorldSize();
            train = matrix(input.train());
            valid = input.valid().rows() > 0 || task.patience() > 0 ? matrix(input.valid()) : null;
            BoostedTrainer.Rounds r = BoostedTrainer.rounds(train, valid, task.params(), task.rounds(),
                    task.patience(), pct -> out.println(PROGRESS_LINE + pct));
            byte[] model = fromRankZero(r.booster().toByteArray("ubj"), rank);
            Communicator.shutdown();
            Files.write(output.resolve(MODEL_FILE), model);
            Files.write(output.resolve(RESULT_FILE), MessageCodec.encode(new WorkerResult(rank, workers, r.rounds(),
                    r.bestIteration(), sha256(model), WorkerResult.ownPeakRssMb())));
        } finally {
            if (train != null) {
                train.dispose();
            }
            if (valid != null) {
                valid.dispose();
            }
        }
    }

    /**
     * Rank 0's model bytes on every worker. The collective offers an all-reduce of floats only, so
     * rank 0 contributes its bytes, two to a float (exact below 2^24), and every other worker
     * zeros; the sum is rank 0's model. The workers' trees are the same anyway; this makes the
     * copies equal to the byte, whatever a worker kept locally.
     */
    static byte[] fromRankZero(byte[] mine, int rank) {
        float[] length = Communicator.allReduce(
                rank == 0 ? new float[] {mine.length >>> 16, mine.length & 0xffff} : new float[2],
                Communicator.OpType.SUM);
        int n = ((int) length[0] << 16) | (int) length[1];
        float[] sum = Communicator.allReduce(rank == 0 ? pack(mine) : new float[(n + 1) / 2], Communicator.OpType.SUM);
        return unpack(sum, n);
    }

    /** Two bytes to a float, {@code 256 * first + second}: exact in a float, and exact when summed with zeros. */
    static float[] pack(byte[] bytes) {
        float[] packed = new float[(bytes.length + 1) / 2];
        for (int i = 0; i < bytes.length; i++) {
            packed[i / 2] += (i % 2 == 0 ? 256 : 1) * (bytes[i] & 0xff);
        }
        return packed;
    }

    /** The {@code n} bytes {@link #pack} packed. */
    static byte[] unpack(float[] packed, int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            int pair = (int) packed[i / 2];
            bytes[i] = (byte) (i % 2 == 0 ? pair >>> 8 : pair);
        }
        return bytes;
    }

    private static DMatrix matrix(WorkerTask.Matrix m) throws XGBoostError {
        DMatrix d = new DMatrix(m.values(), m.rows(), m.columns(), Float.NaN);
        d.setLabel(m.labels());
        return d;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends this process when the learner that started it is gone (its end of our stdin closes). */
    private static void exitWithParent() {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the learner never writes; reading only waits for the end
                }
            } catch (IOException ignored) {
                // same as end of input
            }
            Runtime.getRuntime().halt(4);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
