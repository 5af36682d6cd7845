package org.mlensemble.common.messaging;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.table.Columns;

/**
 * The binary body of a predict job, column-major: a column of numbers travels as primitive
 * doubles (or 32-bit integers when every value is one), a column with text as a dictionary of its
 * distinct values and one code per row. A learner decodes it into {@link Columns} without boxing a
 * cell; JSON stays the format of the HTTP edge and of every other job. Little-endian:
 * <pre>
 * int magic "MLC1" | string modelId | int rows | int columns
 * per column: string name | byte type
 *   0 doubles: rows x double (NaN = missing)
 *   1 ints:    rows x int (Integer.MIN_VALUE = missing)
 *   2 coded:   int n | n x string | rows x int code (-1 = missing)
 * string: int byte length | UTF-8 bytes
 * </pre>
 * A number in a column that also holds text is sent as the text a learner would make of it, so
 * either way a cell means the same to the member.
 */
public final class PredictJobCodec {

    /** "MLC1": a JSON body starts with '{' instead, so both can be told apart by the first byte. */
    static final int MAGIC = 0x4D4C4331;

    public static final String CONTENT_TYPE = "application/vnd.ml.predict-columns";

    private static final byte DOUBLES = 0;
    private static final byte INTS = 1;
    private static final byte CODED = 2;
    private static final int MISSING_INT = Integer.MIN_VALUE;

    private PredictJobCodec() {
    }

    public static byte[] encode(PredictJob job) {
        byte[] model = utf8(job.modelId());
        int rows = job.rows();
        List<Encoded> encoded = new java.util.ArrayList<>(job.columns().size());
        long size = 4L + 4 + model.length + 4 + 4;
        for (Map.Entry<String, List<Object>> e : job.columns().entrySet()) {
            Encoded c = Encoded.of(utf8(e.getKey()), e.getValue(), rows);
            encoded.add(c);
            size += c.size(rows);
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("predict job of " + size + " bytes is too large");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC);
        putString(out, model);
        out.putInt(rows);
        out.putInt(encoded.size());
        for (Encoded c : encoded) {
            c.write(out, rows);
        }
        return out.array();
    }

    /** True when the body is the binary form (else it is JSON). */
    public static boolean isBinary(byte[] body) {
        return body != null && body.length >= 4
                && ByteBuffer.wrap(body, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == MAGIC;
    }

    /**
     * Decodes either form: the binary one, or JSON (an api of an earlier version).
     *
     * @throws MalformedMessageException for a body that is neither, or is cut short or inconsistent
     */
    public static PredictJob decode(byte[] body) {
        if (!isBinary(body)) {
            return MessageCodec.decode(body, PredictJob.class);
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
            in.getInt();
            String modelId = getString(in);
            int rows = in.getInt();
            int count = in.getInt();
            if (rows < 1 || count < 0 || count > in.remaining()) {
                throw new MalformedMessageException("binary predict job with " + rows + " rows and " + count
                        + " columns");
            }
            Map<String, List<Object>> columns = new LinkedHashMap<>();
            for (int k = 0; k < count; k++) {
                String name = getString(in);
                byte type = in.get();
                List<Object> column = switch (type) {
                    case DOUBLES -> doubles(in, rows, name);
                    case INTS -> ints(in, rows);
                    case CODED -> coded(in, rows);
                    default -> throw new MalformedMessageException("column " + name + " has an unknown type " + type);
                };
                if (columns.put(name, column) != null) {
                    throw new MalformedMessageException("column " + name + " twice");
                }
            }
            if (in.hasRemaining()) {
                throw new MalformedMessageException(in.remaining() + " bytes after the last column");
            }
            return new PredictJob(modelId, columns, rows);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new MalformedMessageException("binary predict job cut short or inconsistent: " + e);
        }
    }

    private static Columns.Doubles doubles(ByteBuffer in, int rows, String name) {
        need(in, 8L * rows);
        double[] v = new double[rows];
        in.asDoubleBuffer().get(v);
        in.position(in.position() + 8 * rows);
        for (double d : v) {
            if (Double.isInfinite(d)) {
                throw new MalformedMessageException("column " + name + " has a non-finite number");
            }
        }
        return new Columns.Doubles(v);
    }

    private static Columns.Doubles ints(ByteBuffer in, int rows) {
        need(in, 4L * rows);
        int[] raw = new int[rows];
        in.asIntBuffer().get(raw);
        in.position(in.position() + 4 * rows);
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = raw[i] == MISSING_INT ? Double.NaN : raw[i];
        }
        return new Columns.Doubles(v);
    }

    private static Columns.Coded coded(ByteBuffer in, int rows) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining() / 4) {
            throw new MalformedMessageException("a dictionary of " + n + " values");
        }
        String[] dictionary = new String[n];
        for (int i = 0; i < n; i++) {
            dictionary[i] = getString(in);
        }
        need(in, 4L * rows);
        int[] codes = new int[rows];
        in.asIntBuffer().get(codes);
        in.position(in.position() + 4 * rows);
        return new Columns.Coded(dictionary, codes);
    }

    private static void need(ByteBuffer in, long bytes) {
        if (bytes > in.remaining()) {
            throw new MalformedMessageException("binary predict job cut short: " + bytes + " bytes needed, "
                    + in.remaining() + " left");
        }
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        out.putInt(bytes.length);
        out.put(bytes);
    }

    private static String getString(ByteBuffer in) {
        int n = in.getInt();
        need(in, n);
        if (n < 0) {
            throw new MalformedMessageException("a string of " + n + " bytes");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /** One column, typed from its values. */
    private record Encoded(byte[] name, byte type, double[] doubles, int[] ints, List<byte[]> dictionary,
            int dictionaryBytes) {

        static Encoded of(byte[] name, List<Object> values, int rows) {
            if (values.size() != rows) {
                throw new IllegalArgumentException("a column has " + values.size() + " values for " + rows + " rows");
            }
            if (values instanceof Columns.Doubles d) {
                return ofDoubles(name, d, rows);
            }
            if (values instanceof Columns.Coded c) {
                List<byte[]> dictionary = new java.util.ArrayList<>(c.dictionary().length);
                int bytes = 0;
                for (String text : c.dictionary()) {
                    byte[] b = utf8(text);
                    dictionary.add(b);
                    bytes += 4 + b.length;
                }
                int[] codes = new int[rows];
                for (int i = 0; i < rows; i++) {
                    codes[i] = c.code(i);
                }
                return new Encoded(name, CODED, null, codes, dictionary, bytes);
            }
            boolean numbers = true;
            boolean ints = true;
            for (Object v : values) {
                if (v == null) {
                    continue;
                }
                if (!(v instanceof Number n)) {
                    numbers = false;
                    break;
                }
                double d = n.doubleValue();
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("a non-finite number: " + v);
                }
                if (ints && (d != Math.rint(d) || d <= MISSING_INT || d > Integer.MAX_VALUE)) {
                    ints = false;
                }
            }
            if (numbers && ints) {
                int[] out = new int[rows];
                for (int i = 0; i < rows; i++) {
                    Object v = values.get(i);
                    out[i] = v == null ? MISSING_INT : (int) ((Number) v).doubleValue();
                }
                return new Encoded(name, INTS, null, out, null, 0);
            }
            if (numbers) {
                double[] out = new double[rows];
                for (int i = 0; i < rows; i++) {
                    Object v = values.get(i);
                    out[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
                }
                return new Encoded(name, DOUBLES, out, null, null, 0);
            }
            Map<String, Integer> codes = new HashMap<>();
            List<byte[]> dictionary = new java.util.ArrayList<>();
            int[] out = new int[rows];
            int bytes = 0;
            for (int i = 0; i < rows; i++) {
                Object v = values.get(i);
                if (v == null) {
                    out[i] = -1;
                    continue;
                }
                String text = text(v);
                Integer c = codes.get(text);
                if (c == null) {
                    c = dictionary.size();
                    codes.put(text, c);
                    byte[] b = utf8(text);
                    dictionary.add(b);
                    bytes += 4 + b.length;
                }
                out[i] = c;
            }
            return new Encoded(name, CODED, null, out, dictionary, bytes);
        }

        /** Primitive columns (a streamed CSV's) are copied as they are. */
        private static Encoded ofDoubles(byte[] name, Columns.Doubles d, int rows) {
            boolean ints = true;
            double[] v = new double[rows];
            for (int i = 0; i < rows; i++) {
                v[i] = d.value(i);
                if (Double.isInfinite(v[i])) {
                    throw new IllegalArgumentException("a non-finite number: " + v[i]);
                }
                if (ints && !Double.isNaN(v[i]) && (v[i] != Math.rint(v[i]) || v[i] <= MISSING_INT
                        || v[i] > Integer.MAX_VALUE)) {
                    ints = false;
                }
            }
            if (!ints) {
                return new Encoded(name, DOUBLES, v, null, null, 0);
            }
            int[] out = new int[rows];
            for (int i = 0; i < rows; i++) {
                out[i] = Double.isNaN(v[i]) ? MISSING_INT : (int) v[i];
            }
            return new Encoded(name, INTS, null, out, null, 0);
        }

        /** The text a learner makes of a cell in a column with text (FeatureEncoding's rule). */
        private static String text(Object v) {
            if (v instanceof Number n) {
                double d = n.doubleValue();
                return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
            }
            return v.toString();
        }

        long size(int rows) {
            long s = 4L + name.length + 1;
            return switch (type) {
                case DOUBLES -> s + 8L * rows;
                case INTS -> s + 4L * rows;
                default -> s + 4 + dictionaryBytes + 4L * rows;
            };
        }

        void write(ByteBuffer out, int rows) {
            putString(out, name);
            out.put(type);
            switch (type) {
                case DOUBLES -> out.asDoubleBuffer().put(doubles);
                case INTS -> out.asIntBuffer().put(ints);
                default -> {
                    out.putInt(dictionary.size());
                    for (byte[] b : dictionary) {
                        putString(out, b);
                    }
                    out.asIntBuffer().put(ints);
                }
            }
            if (type == DOUBLES) {
                out.position(out.position() + 8 * rows);
            } else {
                out.position(out.position() + 4 * rows);
            }
        }
    }
}
