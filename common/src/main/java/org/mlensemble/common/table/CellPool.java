package org.mlensemble.common.table;

/**
 * One String per distinct cell text of a column, while the column has few distinct values.
 * A large shard repeats the same category codes, zeros and {@code NA}s millions of times; sharing
 * them turns a heap of tiny Strings into one per value. A column with more than
 * {@link #MAX_DISTINCT} distinct values (ids, prices) gains nothing, so its pool is dropped and its
 * cells cost what they would without one.
 *
 * <p>The lookup hashes and compares the parser's buffer in place, so a value already pooled
 * costs no allocation at all. Not thread-safe: one pool per column of one read.
 */
final class CellPool {

    static final int MAX_DISTINCT = 4096;

    /** Open addressing, linear probing, at most half full; null once the column is not pooled. */
    private String[] slots = new String[16];
    private int size;

    /** The pooled String with the buffer's text, or a new one when the column is not pooled. */
    String take(CharSequence cell) {
        if (slots == null) {
            return cell.toString();
        }
        int hash = hash(cell);
        int mask = slots.length - 1;
        int i = spread(hash) & mask;
        for (String s = slots[i]; s != null; s = slots[i]) {
            if (s.hashCode() == hash && s.contentEquals(cell)) {
                return s;
            }
            i = (i + 1) & mask;
        }
        String s = cell.toString();
        if (++size > MAX_DISTINCT) {
            slots = null;
            return s;
        }
        slots[i] = s;
        if (2 * size > slots.length) {
            grow();
        }
        return s;
    }

    /** Same value as {@link String#hashCode()}, so that stored Strings use their cached hash. */
    private static int hash(CharSequence cell) {
        int h = 0;
        for (int i = 0, n = cell.length(); i < n; i++) {
            h = 31 * h + cell.charAt(i);
        }
        return h;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private void grow() {
        String[] old = slots;
        slots = new String[old.length * 2];
        int mask = slots.length - 1;
        for (String s : old) {
            if (s != null) {
                int i = spread(s.hashCode()) & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = s;
            }
        }
    }
}
