package org.mlensemble.api.fit;

import java.util.List;
import java.util.Map;

/**
 * The body of a fit; every field is optional.
 *
 * @param dataset        folder under the learners' data directory (default {@code house_pricing})
 * @param target         column to predict (default {@code SalePrice})
 * @param algorithm      {@code linear} (default), {@code tree}, {@code forest} or {@code boosted}
 * @param params         the algorithm's hyperparameters
 * @param seed           seed of every random choice (default 42)
 * @param sampling       {@code shard} (default) or {@code bootstrap}
 * @param logTarget      learn log(1 + target), for prices
 * @param weighted       hold out a slice of each shard to weight members by their error
 * @param columnTypes    per-column override: {@code numeric} or {@code categorical}
 * @param ignore         identifier columns (default {@code ["Id"]})
 * @param deadlineMs     how long to wait for the members (default 120000)
 * @param quorum         fewest members that make a model (default 1)
 * @param idempotencyKey a retry with the same key yields the same model, never a second one
 * @param async          answer 202 at once and report progress at the job's status URL
 * @param training       {@code shard} (default: a member per shard, averaged) or {@code joint} (one
 *                       XGBoost model trained over all shards at once; {@code boosted} and
 *                       {@code forest} only)
 */
record FitRequest(String dataset, String target, String algorithm, Map<String, Object> params, Long seed,
        String sampling, Boolean logTarget, Boolean weighted, Map<String, String> columnTypes, List<String> ignore,
        Long deadlineMs, Integer quorum, String idempotencyKey, Boolean async, String training) {
}
