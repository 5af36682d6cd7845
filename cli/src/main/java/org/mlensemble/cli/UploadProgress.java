package org.mlensemble.cli;

import java.io.PrintStream;
import java.time.Clock;

/**
 * Shows how much of a file an upload has sent: on a terminal one line redrawn in place at most
 * every 200 ms; elsewhere a line per tenth of the file. Rows are the line breaks read so far
 * (the header included; for a .gz file, which is sent as it is, rows are not known).
 */
final class UploadProgress {

    private final PrintStream err;
    private final boolean terminal;
    private final String file;
    private final long size;
    private final boolean countRows;
    private final Clock clock;
    private long bytes;
    private long rows;
    private long started;
    private long lastDrawn;
    private int lastTenth;
    private int drawn;

    UploadProgress(PrintStream err, boolean terminal, String file, long size, boolean countRows, Clock clock) {
        this.err = err;
        this.terminal = terminal;
        this.file = file;
        this.size = size;
        this.countRows = countRows;
        this.clock = clock;
    }

    /** A new attempt (failover to the next URL) starts from the beginning of the file. */
    synchronized void restart() {
        bytes = 0;
        rows = 0;
        lastTenth = 0;
        started = clock.millis();
    }

    synchronized void add(long n, long lines) {
        bytes += n;
        rows += lines;
        long now = clock.millis();
        int tenth = size <= 0 ? 10 : (int) Math.min(10, bytes * 10 / size);
        if (terminal) {
            if (now - lastDrawn >= 200 || bytes == size) {
                draw(now);
                lastDrawn = now;
            }
        } else if (tenth > lastTenth) {
            lastTenth = tenth;
            err.println("mlctl: " + line(now));
        }
    }

    synchronized void finish() {
        if (terminal && drawn > 0) {
            draw(clock.millis());
            err.println();
            drawn = 0;
        }
        if (bytes >= size) {
            err.println("mlctl: " + file + " sent; the api has split it and waits for the learners to store it");
        }
        err.flush();
    }

    String line(long now) {
        double secs = Math.max(0.001, (now - started) / 1000.0);
        int pct = size <= 0 ? 100 : (int) (bytes * 100 / size);
        return String.format("upload %s: %s of %s (%d%%)%s, %.1f MB/s", file, mb(bytes), mb(size), pct,
                countRows ? String.format(", %,d rows", Math.max(0, rows - 1)) : "", bytes / 1e6 / secs);
    }

    private void draw(long now) {
        String text = line(now);
        int pad = Math.max(0, drawn - text.length());
        err.print("\r" + text + " ".repeat(pad));
        err.flush();
        drawn = text.length();
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}
