package org.mlensemble.api.datasets;

import java.util.SplittableRandom;

/**
 * Which part every row of an upload goes to. A permutation of the row indices drawn from the seed:
 * its first ⌈n·testFraction⌉ positions are the test set, the rest are cut into {@code shards}
 * contiguous runs of near-equal size. The same seed and sizes always give the same split.
 *
 * @param partOfRow  per row index, the shard number (0 = A) or {@link #test()} for the test set
 * @param rowsOfPart rows per part, shards first, the test set last
 */
record DatasetSplit(byte[] partOfRow, int[] rowsOfPart) {

    /** The most shards an upload may have: one per letter. */
    static final int MAX_SHARDS = 26;

    static DatasetSplit of(int rows, double testFraction, int shards, long seed) {
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be between 1 and " + MAX_SHARDS);
        }
        int test = testRows(rows, testFraction);
        int[] permutation = new int[rows];
        for (int i = 0; i < rows; i++) {
            permutation[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = tmp;
        }
        byte[] partOfRow = new byte[rows];
        int[] rowsOfPart = new int[shards + 1];
        for (int pos = 0; pos < rows; pos++) {
            int part = pos < test ? shards : shardAt(pos - test, rows - test, shards);
            partOfRow[permutation[pos]] = (byte) part;
            rowsOfPart[part]++;
        }
        return new DatasetSplit(partOfRow, rowsOfPart);
    }

    /** ⌈rows·testFraction⌉. */
    static int testRows(int rows, double testFraction) {
        return (int) Math.min(rows, Math.ceil(rows * testFraction - 1e-9));
    }

    /** Fewest rows a shard gets when {@code train} rows are cut into {@code shards}. */
    static int smallestShard(int train, int shards) {
        return train / shards;
    }

    /** Shard k covers positions [k·train/S, (k+1)·train/S). */
    private static int shardAt(int pos, int train, int shards) {
        // the largest k with k*train/S <= pos
        int k = (int) ((long) pos * shards / train);
        while (k + 1 < shards && (long) (k + 1) * train / shards <= pos) {
            k++;
        }
        while (k > 0 && (long) k * train / shards > pos) {
            k--;
        }
        return k;
    }

    int shards() {
        return rowsOfPart.length - 1;
    }

    int test() {
        return rowsOfPart.length - 1;
    }

    /** The letter of shard {@code k}: A, B, ... */
    static String letter(int k) {
        return String.valueOf((char) ('A' + k));
    }
}
