package org.mlensemble.learner.training.joint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What passes between a learner and its joint-training child: the task file and rank 0's model bytes. */
class WorkerProtocolTest {

    @TempDir
    Path dir;

    @Test
    void aTaskFileReadsBackAsWritten() throws IOException {
        var task = new WorkerTask(Map.of("dmlc_tracker_uri", "127.0.0.1", "dmlc_tracker_port", 4242), 2,
                Map.of("eta", 0.05, "max_depth", 4, "seed_per_iteration", true), 300, 30);
        var train = new WorkerTask.Matrix(3, 2, new float[] {1, 2, 3, Float.NaN, 5, 6}, new float[] {10, 20, 30});
        var valid = new WorkerTask.Matrix(0, 2, new float[0], new float[0]);
        Path file = dir.resolve("task.bin");

        WorkerTask.write(file, task, train, valid);
        WorkerTask.Input back = WorkerTask.read(file);

        assertThat(back.task().tracker()).containsEntry("dmlc_tracker_uri", "127.0.0.1")
                .containsEntry("dmlc_tracker_port", 4242);
        assertThat(back.task().rank()).isEqualTo(2);
        assertThat(back.task().params()).containsEntry("eta", 0.05).containsEntry("max_depth", 4);
        assertThat(back.task().rounds()).isEqualTo(300);
        assertThat(back.task().patience()).isEqualTo(30);
        assertThat(back.train().values()).containsExactly(1, 2, 3, Float.NaN, 5, 6);
        assertThat(back.train().labels()).containsExactly(10, 20, 30);
        assertThat(back.valid().rows()).isZero();
    }

    @Test
    void aFileThatIsNotATaskIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("other.bin"), "not a task");

        assertThrows(IOException.class, () -> WorkerTask.read(file));
    }

    @Test
    void aMatrixThatDoesNotMatchItsShapeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WorkerTask.Matrix(2, 2, new float[3], new float[2]));
    }

    @Test
    void modelBytesSurviveThePackingOfTheAllReduceExactly() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : List.of(0, 1, 2, 255, 256, 257, 100_001)) {
            byte[] model = new byte[n];
            for (int i = 0; i < n; i++) {
                model[i] = (byte) random.nextInt(256);
            }
            float[] packed = JointChild.pack(model);
            // what the other workers add: zeros
            float[] summed = packed.clone();
            for (int i = 0; i < summed.length; i++) {
                summed[i] += 0f;
            }
            assertThat(JointChild.unpack(summed, n)).isEqualTo(model);
        }
        byte[] extremes = {0, (byte) 255, (byte) 128, 127, (byte) 255, (byte) 255};
        assertThat(JointChild.unpack(JointChild.pack(extremes), extremes.length)).isEqualTo(extremes);
    }

    @Test
    void aFailedChildsReasonIsXGBoostsChainOfCausesWithoutTheBacktrace() {
        List<String> stderr = List.of(
                "12:00:00.000 [main] INFO something",
                "joint training failed: ml.dmlc.xgboost4j.java.XGBoostError: [13:16:41] result.cc:83: [coll_c_api.cc:96]:",
                "",
                "- [allreduce.cc:12]: Failed to recv data from rank 2.",
                "- [socket.h:400]: Connection reset by peer",
                "Stack trace:",
                "  [bt] (0) /tmp/libxgboost4j.so(dmlc::LogMessageFatal::~LogMessageFatal()+0x6e)",
                "\tat ml.dmlc.xgboost4j.java.XGBoostJNI.checkCall(XGBoostJNI.java:49)");

        assertThat(ChildProcess.reason(stderr)).isEqualTo("joint training failed: ml.dmlc.xgboost4j.java.XGBoostError:"
                + " [13:16:41] result.cc:83: [coll_c_api.cc:96]: - [allreduce.cc:12]: Failed to recv data from rank 2."
                + " - [socket.h:400]: Connection reset by peer");
        assertThat(ChildProcess.reason(List.of("a", "b", "c", "d"))).isEqualTo("b | c | d");
    }
}
