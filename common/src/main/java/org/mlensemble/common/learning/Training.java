package org.mlensemble.common.learning;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a fit uses the shards.
 * <ul>
 *   <li>{@link #SHARD} (the default): every learner trains a member on its own shard, and the api
 *       averages the members;</li>
 *   <li>{@link #JOINT}: one XGBoost model is trained over all shards at once with XGBoost's
 *       distributed training, each shard's learner a worker; every worker ends up holding the same
 *       model. Only for the algorithms XGBoost trains.</li>
 * </ul>
 */
public enum Training {
    SHARD("shard"), JOINT("joint");

    private final String wireName;

    Training(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The training a request names; null means {@link #SHARD}. */
    public static Training fromWire(String value) {
        if (value == null) {
            return SHARD;
        }
        return Arrays.stream(values()).filter(t -> t.wireName.equals(value)).findFirst()
                .orElseThrow(() -> new InvalidParamsException("training must be one of " + Arrays.stream(values())
                        .map(Training::wireName).collect(Collectors.joining(", ")) + ", got '" + value + "'"));
    }

    /** Joint training is XGBoost's: boosted trees and XGBoost's random forest. */
    public static boolean supportsJoint(Algorithm algorithm) {
        return algorithm == Algorithm.BOOSTED || algorithm == Algorithm.FOREST;
    }
}
