package org.mlensemble.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.PredictJobCodec;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.Table;
import org.mlensemble.learner.training.Member;
import org.mlensemble.learner.training.MemberTrainer;

/**
 * What one learner spends on a batch predict job, in one thread and without the broker: a member
 * is trained on shard A with the learners' own {@link MemberTrainer}, the test rows become one
 * predict job body as the api encodes it, and the job is then decoded and predicted over and over
 * for a fixed time. Reports per request the milliseconds of decoding the body and of the member's
 * predict (reading the columns into features and the model), the rows per second of the two, and,
 * for comparison, what encoding the rows into named features ({@code encodeColumns}) costs alone.
 * The predict's CPU time (the process's, so XGBoost's native threads count) is reported beside its
 * wall time: on a shared machine the wall time includes waiting for a core.
 * <p>
 * {@code java -cp bench/target/classes:CLASSPATH org.mlensemble.bench.PredictCost DATASET_DIR
 * [algorithms=linear,forest] [rows=10000] [seconds=10] [body=json|binary]}
 * <p>
 * Prints one JSON line per algorithm.
 */
public final class PredictCost {

    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    public static void main(String[] args) throws Exception {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        Path dir = Path.of(args[0]);
        List<String> algorithms = List.of((args.length > 1 ? args[1] : "linear,forest").split(","));
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        boolean binary = args.length > 4 && args[4].equals("binary");
        Table shard = CsvReader.read(dir.resolve("A").resolve("data.csv"));
        Table test = CsvReader.read(dir.resolve("test").resolve("data.csv"));
        Map<String, List<Object>> columns = columns(test, rows);
        for (String algorithm : algorithms) {
            FitJob job = new FitJob("m-cost", System.currentTimeMillis(), dir.getFileName().toString(), "SalePrice",
                    algorithm, Map.of(), 42, "shard", false, false, Map.of(), List.of("Id"));
            Member member = new MemberTrainer(Clock.systemUTC()).train(job, "learner-1", "A", shard, (p, pct) -> {
            });
            PredictJob job0 = new PredictJob("m-cost", columns, rows);
            byte[] body = binary ? PredictJobCodec.encode(job0) : MessageCodec.encode(job0);
            long decodeNs = 0;
            long encodeNs = 0;
            long predictNs = 0;
            long predictCpuNs = 0;
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            int requests = 0;
            double check = 0;
            long end = 0;
            for (int warm = 0; warm < 3 + 3 || System.nanoTime() < end; warm++) {
                long t0 = System.nanoTime();
                PredictJob decoded = binary ? PredictJobCodec.decode(body) : MessageCodec.decode(body, PredictJob.class);
                long t1 = System.nanoTime();
                member.encoding().encodeColumns(decoded.columns(), decoded.rows());
                long t2 = System.nanoTime();
                long c2 = os.getProcessCpuTime();
                double[] p = member.predict(decoded.columns(), decoded.rows());
                long c3 = os.getProcessCpuTime();
                long t3 = System.nanoTime();
                check += p[0];
                if (warm == 2) {
                    end = System.nanoTime() + (long) (seconds * 1e9); // after the warm-up
                }
                if (warm >= 3) {
                    decodeNs += t1 - t0;
                    encodeNs += t2 - t1;
                    predictNs += t3 - t2;
                    predictCpuNs += c3 - c2;
                    requests++;
                }
            }
            double decodeMs = decodeNs / 1e6 / requests;
            double encodeMs = encodeNs / 1e6 / requests;
            double predictMs = predictNs / 1e6 / requests;
            double predictCpuMs = predictCpuNs / 1e6 / requests;
            System.out.printf(Locale.ROOT,
                    "{\"algorithm\":\"%s\",\"body\":\"%s\",\"rows\":%d,\"bodyBytes\":%d,\"requests\":%d,\"decodeMs\":%.2f,"
                            + "\"predictMs\":%.2f,\"predictCpuMs\":%.2f,\"encodeColumnsMs\":%.2f,\"rowsPerSecond\":%.0f,\"check\":%.3f}%n",
                    algorithm, binary ? "binary" : "json", rows, body.length, requests, decodeMs, predictMs, predictCpuMs, encodeMs,
                    rows / ((decodeMs + predictMs) / 1000), check / requests);
        }
    }

    /** The first {@code rows} test rows (repeated when short), typed as the api types a JSON body. */
    static Map<String, List<Object>> columns(Table test, int rows) {
        Map<String, List<Object>> cols = new LinkedHashMap<>();
        List<String> header = test.header();
        for (int c = 0; c < header.size(); c++) {
            if (header.get(c).equals("SalePrice")) {
                continue;
            }
            List<Object> values = new java.util.ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                String cell = test.rows().get(i % test.rows().size())[c];
                values.add(typed(cell));
            }
            cols.put(header.get(c), values);
        }
        return cols;
    }

    private static Object typed(String cell) {
        if (Table.isMissing(cell)) {
            return null;
        }
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            // not an integer
        }
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return cell;
        }
    }
}
