package org.mlensemble.common.messaging;

import java.util.regex.Pattern;

/**
 * The one rule for ids that arrive from outside and become a folder on disk or part of a broker
 * name: dataset and model ids, learner ids, the broker prefix. Input must never choose a path, so
 * no {@code /}, no {@code ..} and no leading dot; 64 characters keep a prefix plus a learner id
 * well inside the broker's 255-byte limit for queue names.
 */
public final class Names {

    /** 1 to 64 ASCII letters, digits, '_', '-' or '.', the first a letter or digit. */
    public static final String SAFE_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";

    private static final Pattern SAFE = Pattern.compile(SAFE_NAME);

    private Names() {
    }

    /** Longest shard name: shards are letters by default; a cap keeps replies and heartbeats small. */
    public static final int MAX_SHARD_LENGTH = 16;

    /** True when {@code shard} is a safe name of at most {@link #MAX_SHARD_LENGTH} characters. */
    public static boolean isShardName(String shard) {
        return isSafeName(shard) && shard.length() <= MAX_SHARD_LENGTH;
    }

    /** True when {@code name} matches {@link #SAFE_NAME} and holds no {@code ..}; false for null. */
    public static boolean isSafeName(String name) {
        return name != null && SAFE.matcher(name).matches() && !name.contains("..");
    }
}
