package org.mlensemble.learner.training.joint;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mlensemble.common.messaging.MessageCodec;

/**
 * What a joint-training worker process is told, in one file the learner writes and the child
 * reads: where the tracker is, the worker's rank, XGBoost's parameters and the rounds, then the
 * shard's encoded rows as dense float matrices (training rows, and the rows held out to stop early
 * on). The matrices are already in the model's one encoding: the child knows nothing of columns.
 *
 * @param tracker  the tracker's worker arguments, passed to XGBoost's communicator as they are
 * @param rank     the rank the api gave this worker (the tracker may number workers otherwise;
 *                 the child reports the rank it got)
 * @param params   XGBoost's training parameters
 * @param patience rounds without improvement before stopping early, 0 for none
 */
public record WorkerTask(Map<String, Object> tracker, int rank, Map<String, Object> params, int rounds, int patience) {

    /** Row-major features and labels; {@code rows} may be 0 (a worker without held-out rows). */
    public record Matrix(int rows, int columns, float[] values, float[] labels) {

        public Matrix {
            if (values.length != (long) rows * columns || labels.length != rows) {
                throw new IllegalArgumentException(rows + " x " + columns + " rows do not match " + values.length
                        + " values and " + labels.length + " labels");
            }
        }
    }

    /** A task and its data, as read back. */
    public record Input(WorkerTask task, Matrix train, Matrix valid) {
    }

    private static final int MAGIC = 0x4d4c4a54; // "MLJT"

    /** Writes the task and its matrices to {@code file}. */
    public static void write(Path file, WorkerTask task, Matrix train, Matrix valid) throws IOException {
        try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.writeInt(MAGIC);
            byte[] header = MessageCodec.encode(task);
            out.writeInt(header.length);
            out.write(header);
            writeMatrix(out, train);
            writeMatrix(out, valid);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static Input read(Path file) throws IOException {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a joint-training task");
            }
            byte[] header = in.readNBytes(in.readInt());
            WorkerTask task = MessageCodec.decode(header, WorkerTask.class);
            return new Input(task, readMatrix(in), readMatrix(in));
        }
    }

    private static void writeMatrix(DataOutputStream out, Matrix m) throws IOException {
        out.writeInt(m.rows());
        out.writeInt(m.columns());
        for (float v : m.values()) {
            out.writeFloat(v);
        }
        for (float v : m.labels()) {
            out.writeFloat(v);
        }
    }

    private static Matrix readMatrix(DataInputStream in) throws IOException {
        int rows = in.readInt();
        int columns = in.readInt();
        float[] values = new float[Math.multiplyExact(rows, columns)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = in.readFloat();
        }
        return new Matrix(rows, columns, values, labels);
    }
}
