package org.mlensemble.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs the whole CLI in-process, capturing stdout, stderr and the exit code. */
final class Cli {

    record Result(int code, String out, String err) {
    }

    final Map<String, String> env = new HashMap<>();
    final AtomicInteger sleeps = new AtomicInteger();
    String stdin = "";

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // the poll loop's pause returns at once: tests never wait
        Mlctl.Io io = new Mlctl.Io(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, false, d -> sleeps.incrementAndGet(), Clock.systemUTC());
        int code = Mlctl.run(args, io);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
