package org.mlensemble.learner.training.joint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link JointChild} process of this learner: {@code java} of this JVM with this learner's own
 * class path. From the executable jar (one jar with a {@code BOOT-INF} folder) the child goes
 * through Spring Boot's {@code PropertiesLauncher}, which reads the nested jars; from a plain class
 * path (tests) it starts the main class straight away.
 * <p>
 * The child's standard input stays open while this object lives and is what the child watches to
 * know its learner is alive; its standard error goes to a log file, whose tail is the reason given
 * when it fails.
 */
public final class ChildProcess implements AutoCloseable {

    private static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildProcess(Process process, Path log, Consumer<String> onLine) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null;) {
                    onLine.accept(line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child is gone; its exit code says how
            }
        }, "joint-child-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@link JointChild} with {@code args}.
     *
     * @param jvmOptions options for the child's JVM, such as {@code -Xmx1g}
     * @param log        where the child's standard error goes
     * @param onLine     told every line the child prints, on a thread of its own
     */
    public static ChildProcess start(List<String> jvmOptions, List<String> args, Path log, Consumer<String> onLine)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        String classPath = System.getProperty("java.class.path");
        command.add("-cp");
        command.add(classPath);
        if (isExecutableJar(classPath)) {
            command.add("-Dloader.main=" + JointChild.class.getName());
            command.add(BOOT_LAUNCHER);
        } else {
            command.add(JointChild.class.getName());
        }
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        return new ChildProcess(p, log, onLine);
    }

    private static boolean isExecutableJar(String classPath) {
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
            return false;
        }
        try (var jar = new java.util.jar.JarFile(classPath)) {
            return jar.getEntry("BOOT-INF/") != null || jar.getEntry("BOOT-INF/classes/") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first line the child prints that starts with {@code prefix}, or null by {@code deadline}. */
    public String awaitLine(String prefix, Instant deadline) throws InterruptedException {
        while (true) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                return null;
            }
            String line = lines.poll(Math.min(left, 200), TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                return null;
            }
        }
    }

    /** Waits for the child to end, killing it at {@code deadline}; returns its exit code, or -1 when killed. */
    public int await(Instant deadline) throws InterruptedException {
        long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        if (process.waitFor(left, TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        kill();
        return -1;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Why the child failed, from its standard error: the line {@link JointChild} prints on failure
     * and the chain of causes XGBoost lists under it ({@code - [file:line]: ...}), without the
     * native backtrace; else the last lines.
     */
    public String logTail() {
        try {
            return reason(Files.readAllLines(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "";
        }
    }

    static String reason(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(JointChild.FAILURE_LINE)) {
                List<String> out = new ArrayList<>(List.of(lines.get(i).strip()));
                for (int j = i + 1; j < lines.size() && out.size() < 5; j++) {
                    String l = lines.get(j).strip();
                    if (l.startsWith("- ")) {
                        out.add(l);
                    } else if (l.startsWith("Stack trace") || l.startsWith("at ") || l.startsWith("[bt]")) {
                        break;
                    }
                }
                return String.join(" ", out);
            }
        }
        List<String> useful = lines.stream().filter(l -> !l.isBlank() && !l.startsWith("\tat ")).toList();
        return String.join(" | ", useful.subList(Math.max(0, useful.size() - 3), useful.size()));
    }

    /** Kills the child and its own children at once. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
