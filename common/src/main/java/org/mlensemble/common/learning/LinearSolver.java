package org.mlensemble.common.learning;

import java.util.Map;

/**
 * How a {@code linear} member is fitted: {@code sgd}, Tribuo's stochastic gradient descent, or
 * {@code exact}, the least-squares solution in closed form (normal equations with a ridge penalty
 * chosen by generalized cross-validation). {@code auto} is exact when the request allows it (squared
 * loss, no SGD weight decay), the shard has at least {@link #AUTO_MIN_ROWS_PER_FEATURE} rows per
 * encoded feature and at most {@link #EXACT_MAX_FEATURES} features; SGD otherwise.
 * <p>
 * Why the rows per feature: on shards with fewer rows than ~2 per feature, 10 epochs of SGD from
 * zero weights (an implicit shrinkage) predicted better than the ridge solution (500-row shards of
 * 280 features: R2 0.861 against 0.854; the real Ames shards, 255 rows of 268: 0.814 against
 * 0.812); from ~3.4 rows per feature on the exact fit was as good or better (1,000-row shards:
 * 0.8441 against 0.8429; 25,000 rows: 0.8599 against 0.8598) and from a few thousand rows it is
 * also the cheaper one (docs/quality.md, docs/performance.md).
 */
public final class LinearSolver {

    public static final String AUTO = "auto";
    public static final String SGD = "sgd";
    public static final String EXACT = "exact";
    /** Beyond this many encoded features the p x p system costs more than SGD: auto uses SGD. */
    public static final int EXACT_MAX_FEATURES = 2000;
    /** Auto solves exactly from this many rows per encoded feature on. */
    public static final int AUTO_MIN_ROWS_PER_FEATURE = 3;
    static final String DESCRIPTION = "sgd: Tribuo's SGD; exact: least squares in closed form, ridge penalty chosen"
            + " by generalized cross-validation (squared loss, l2 0); auto: exact when the loss is squared, l2 is 0"
            + " and the shard has at least " + AUTO_MIN_ROWS_PER_FEATURE + " rows per encoded feature and at most "
            + EXACT_MAX_FEATURES + " features, else sgd";

    private LinearSolver() {
    }

    /** Refuses an exact solve the other parameters contradict. */
    static void check(Map<String, Object> resolved) {
        if (!EXACT.equals(resolved.get("solver"))) {
            return;
        }
        if (!"squared".equals(resolved.get("loss"))) {
            throw new InvalidParamsException("solver exact minimises the squared loss; loss '" + resolved.get("loss")
                    + "' needs solver sgd");
        }
        if (((Double) resolved.get("l2")) > 0) {
            throw new InvalidParamsException("solver exact chooses its ridge penalty itself, by generalized"
                    + " cross-validation; l2 applies to solver sgd only");
        }
    }

    /**
     * Whether a linear member with these resolved parameters is solved exactly, for a shard of
     * {@code rows} training rows that encodes {@code features} features.
     *
     * @throws InvalidParamsException when exact is asked for a shard too wide for it
     */
    public static boolean exact(Map<String, Object> resolved, int rows, int features) {
        Object solver = resolved.get("solver");
        if (EXACT.equals(solver)) {
            if (features > EXACT_MAX_FEATURES) {
                throw new InvalidParamsException("solver exact supports at most " + EXACT_MAX_FEATURES
                        + " encoded features; this shard encodes " + features + "; use solver sgd");
            }
            return true;
        }
        return AUTO.equals(solver) && "squared".equals(resolved.get("loss")) && ((Double) resolved.get("l2")) == 0
                && features <= EXACT_MAX_FEATURES && rows >= (long) AUTO_MIN_ROWS_PER_FEATURE * features;
    }
}
