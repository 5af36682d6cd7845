package org.mlensemble.datagen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new GenerateCommand());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void writesTheRequestedRowsUnderOut() throws IOException {
        int exit = run("--out", dir.toString(), "--seed", "3", "--train-rows", "10", "--test-rows", "4");

        assertThat(exit).isZero();
        // a header and 10 / 4 = 2 or 3 rows per shard
        assertThat(Files.readAllLines(dir.resolve("A/data.csv"))).hasSize(3);
        assertThat(Files.readAllLines(dir.resolve("B/data.csv"))).hasSize(4);
        assertThat(Files.readAllLines(dir.resolve("test/data.csv"))).hasSize(5);
        assertThat(dir.resolve("other").resolve(HousePricingGenerator.PREDICT_FILE)).isRegularFile();
    }

    @Test
    void rejectsAnUnknownOptionWithUsageAndExitTwo() {
        int exit = run("--out", dir.toString(), "--rows", "10");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown options: '--rows'").contains("--train-rows");
    }

    @Test
    void rejectsNegativeRowCountsWithExitTwo() {
        int exit = run("--out", dir.toString(), "--train-rows", "-1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("row counts must not be negative");
        assertThat(dir.resolve("A")).doesNotExist();
    }
}
