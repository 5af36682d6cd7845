package org.mlensemble.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command with a bounded wait and keeps its output. */
final class Shell {

    record Result(List<String> command, int exitCode, String output, long millis) {

        boolean ok() {
            return exitCode == 0;
        }

        Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\n" + output);
            }
            return this;
        }
    }

    private Shell() {
    }

    static Result run(Duration timeout, Map<String, String> env, Path workDir, List<String> command) {
        return run(timeout, env, workDir, command, null);
    }

    static Result run(Duration timeout, Map<String, String> env, Path workDir, List<String> command, Path stdin) {
        return run(timeout, env, workDir, command, stdin, false);
    }

    /** @param replaceEnv run with exactly {@code env}, not the inherited environment plus {@code env} */
    static Result run(Duration timeout, Map<String, String> env, Path workDir, List<String> command, Path stdin,
            boolean replaceEnv) {
        long t0 = System.nanoTime();
        Path out = null;
        try {
            out = Files.createTempFile("e2e-cmd", ".out");
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            } else {
                pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            if (replaceEnv) {
                pb.environment().clear();
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(command, 124, read(out) + "\n[timed out after " + timeout.toSeconds() + " s]",
                        (System.nanoTime() - t0) / 1_000_000);
            }
            return new Result(command, p.exitValue(), read(out), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8).strip();
    }
}
