package org.mlensemble.datagen;

import static org.mlensemble.datagen.HousePricingGenerator.SHARDS;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar datagen-exec.jar [--out DIR] [--seed N] [--train-rows N] [--test-rows N]}. */
@Command(name = "datagen", showDefaultValues = true,
    description = "Writes the house-pricing dataset: shards A..D, a labelled test set and one predict example.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Option(names = "--out", description = "dataset folder")
    Path out = Path.of(HousePricingGenerator.DEFAULT_OUT);

    @Option(names = "--seed", description = "the same seed writes byte-identical files")
    long seed = HousePricingGenerator.DEFAULT_SEED;

    @Option(names = "--train-rows", description = "training rows, cut into the shards in order")
    int trainRows = HousePricingGenerator.DEFAULT_TRAIN_ROWS;

    @Option(names = "--test-rows", description = "labelled test rows")
    int testRows = HousePricingGenerator.DEFAULT_TEST_ROWS;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GenerateCommand()).execute(args));
    }

    @Override
    public Integer call() {
        if (trainRows < 0 || testRows < 0) {
            throw new ParameterException(spec.commandLine(), "row counts must not be negative");
        }
        long started = System.nanoTime();
        List<Path> files = HousePricingGenerator.generate(out, seed, trainRows, testRows);
        long millis = (System.nanoTime() - started) / 1_000_000;
        for (int s = 0; s < SHARDS.size(); s++) {
            long rows = (long) trainRows * (s + 1) / SHARDS.size() - (long) trainRows * s / SHARDS.size();
            System.out.printf("wrote %s (%d training rows)%n", files.get(s), rows);
        }
        System.out.printf("wrote %s (%d labelled test rows)%n", files.get(SHARDS.size()), testRows);
        System.out.printf("wrote %s (1 unlabelled row, Id %d)%n", files.get(SHARDS.size() + 1),
            trainRows + testRows + 1);
        System.out.printf("seed %d, %d ms%n", seed, millis);
        return 0;
    }
}
