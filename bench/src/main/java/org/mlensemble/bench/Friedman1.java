package org.mlensemble.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes Friedman's first regression problem as a dataset folder (shards A-D and a labelled test
 * set), a table unlike the house prices: ten uniform numeric features of which five carry signal,
 * y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + N(0, 1), plus a few irrelevant
 * categorical columns so that one-hot features are present too.
 * <p>
 * {@code java -cp bench/target/classes org.mlensemble.bench.Friedman1 OUT_DIR [trainRows=37600] [testRows=10000] [seed=42]}
 */
public final class Friedman1 {

    private static final String[] LEVELS = {"a", "b", "c", "d", "e", "f"};

    private Friedman1() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int train = args.length > 1 ? Integer.parseInt(args[1]) : 37_600;
        int test = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        SplittableRandom random = new SplittableRandom(seed);
        String[] shards = {"A", "B", "C", "D"};
        int id = 1;
        for (int s = 0; s < shards.length; s++) {
            int rows = train / 4 + (s < train % 4 ? 1 : 0);
            id = write(out.resolve(shards[s]).resolve("data.csv"), rows, id, random);
        }
        write(out.resolve("test").resolve("data.csv"), test, id, random);
        System.out.printf(Locale.ROOT, "wrote %s: %d training rows in 4 shards, %d test rows, seed %d%n", out, train,
                test, seed);
    }

    private static int write(Path file, int rows, int firstId, SplittableRandom random) throws IOException {
        Files.createDirectories(file.getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("Id,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,c1,c2,c3,SalePrice");
            for (int i = 0; i < rows; i++) {
                double[] x = new double[10];
                StringBuilder line = new StringBuilder().append(firstId + i);
                for (int j = 0; j < x.length; j++) {
                    x[j] = random.nextDouble();
                    line.append(',').append(String.format(Locale.ROOT, "%.6f", x[j]));
                }
                for (int j = 0; j < 3; j++) {
                    line.append(',').append(LEVELS[random.nextInt(LEVELS.length)]);
                }
                double y = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3]
                        + 5 * x[4] + gaussian(random);
                w.println(line.append(',').append(String.format(Locale.ROOT, "%.6f", y)));
            }
        }
        return firstId + rows;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
