package org.mlensemble.api.datasets;

import java.io.FilterInputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.mlensemble.common.table.CsvFormatException;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.CsvWriter;
import org.mlensemble.common.table.Table;

/**
 * First pass over an upload: streams the body into a spool file, one normalised CSV record per
 * row, and checks it on the way (header, cell counts, a finite numeric target on every row). Only
 * a row at a time is in memory. Whatever goes wrong, the spool file is gone before the exception
 * leaves.
 */
final class UploadSpool {

    /** The upload is not a dataset we can use; the message names the line and the problem. */
    static final class InvalidUpload extends RuntimeException {
        InvalidUpload(String message) {
            super(message);
        }
    }

    /** The body ended early or could not be decoded (client gone, short body, broken gzip). */
    static final class TruncatedUpload extends RuntimeException {
        TruncatedUpload(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The body is larger than the upload limit. */
    static final class UploadTooLarge extends RuntimeException {
        UploadTooLarge(long limit) {
            super("the upload is larger than the limit of " + limit + " bytes (ml.api.datasets.max-upload-bytes)");
        }
    }

    /** The spool file could not be written (disk full, folder not writable): the server's fault, not the client's. */
    static final class SpoolFailed extends RuntimeException {
        SpoolFailed(IOException cause) {
            super("the api cannot write its spool file (" + cause.getMessage() + ")", cause);
        }
    }

    /** A checked upload in its spool file: the header, then {@code rows} records. */
    record Spooled(Path file, List<String> header, int targetColumn, int rows, long bodyBytes) {
    }

    private UploadSpool() {
    }

    /**
     * @param body     the request body as received
     * @param gzip     whether the body is gzip-encoded
     * @param maxBytes the limit, applied to the body and to its decoded form
     */
    static Spooled spool(InputStream body, boolean gzip, String target, long maxBytes, Path spoolDir)
            throws IOException {
        Path file = Files.createTempFile(spoolDir, "upload-", ".csv");
        try {
            Counting raw = new Counting(body, maxBytes);
            InputStream decoded = gzip ? new Counting(gzipOf(raw), maxBytes) : raw;
            Reader reader = new InputStreamReader(decoded, StandardCharsets.UTF_8);
            try (Writer out = new SpoolWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
                CsvReader.Records records = CsvReader.records(reader, "the upload");
                List<String> header = records.header();
                int t = header.indexOf(target);
                if (t < 0) {
                    throw new InvalidUpload("the header has no target column '" + target + "'; columns: "
                            + abbreviate(header));
                }
                StringBuilder line = new StringBuilder(4096);
                CsvWriter.appendLine(line, header.toArray(String[]::new));
                out.append(line);
                int rows = 0;
                String[] row;
                while ((row = records.next()) != null) {
                    checkTarget(row[t], target, records.line());
                    if (rows == Integer.MAX_VALUE - 8) {
                        throw new InvalidUpload("more than " + rows + " rows");
                    }
                    rows++;
                    line.setLength(0);
                    CsvWriter.appendLine(line, row);
                    out.append(line);
                }
                if (rows == 0) {
                    throw new InvalidUpload("the upload has a header but no rows");
                }
                return new Spooled(file, header, t, rows, raw.count);
            }
        } catch (CsvFormatException e) {
            Files.deleteIfExists(file);
            throw new InvalidUpload(e.getMessage());
        } catch (IOException e) {
            Files.deleteIfExists(file);
            if (e instanceof TooLarge) {
                throw new UploadTooLarge(maxBytes);
            }
            throw new TruncatedUpload("the upload ended early or could not be read (" + describe(e)
                    + "); nothing was stored", e);
        } catch (RuntimeException | Error e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static InputStream gzipOf(InputStream raw) throws IOException {
        try {
            return new GZIPInputStream(raw, 64 * 1024);
        } catch (java.io.EOFException e) {
            throw new java.util.zip.ZipException("empty gzip body");
        }
    }

    private static void checkTarget(String value, String target, int line) {
        if (Table.isMissing(value)) {
            throw new InvalidUpload("line " + line + ": the target '" + target + "' is missing; every row needs one");
        }
        double v;
        try {
            v = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidUpload("line " + line + ": the target '" + target + "' is not a number: '"
                    + abbreviate(value) + "'");
        }
        if (!Double.isFinite(v)) {
            throw new InvalidUpload("line " + line + ": the target '" + target + "' is not finite: '" + value + "'");
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("too large");
        }
    }

    /** Counts bytes and stops at the limit. */
    private static final class Counting extends FilterInputStream {
        private final long limit;
        long count;

        Counting(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > limit) {
                throw new TooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0 && (count += n) > limit) {
                throw new TooLarge();
            }
            return n;
        }
    }

    /** Turns a failure to write the spool file into {@link SpoolFailed}, apart from reading faults. */
    private static final class SpoolWriter extends FilterWriter {
        SpoolWriter(Writer out) {
            super(out);
        }

        @Override
        public void write(int c) {
            try {
                super.write(c);
            } catch (IOException e) {
                throw new SpoolFailed(e);
            }
        }

        @Override
        public void write(char[] chars, int off, int len) {
            try {
                super.write(chars, off, len);
            } catch (IOException e) {
                throw new SpoolFailed(e);
            }
        }

        @Override
        public void write(String str, int off, int len) {
            try {
                super.write(str, off, len);
            } catch (IOException e) {
                throw new SpoolFailed(e);
            }
        }

        @Override
        public void flush() {
            try {
                super.flush();
            } catch (IOException e) {
                throw new SpoolFailed(e);
            }
        }

        @Override
        public void close() {
            try {
                super.close();
            } catch (IOException e) {
                throw new SpoolFailed(e);
            }
        }
    }
}
