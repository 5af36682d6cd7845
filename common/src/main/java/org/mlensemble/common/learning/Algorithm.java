package org.mlensemble.common.learning;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The weak learners a fit can ask for, with their validated hyperparameters. */
public enum Algorithm {

    /**
     * Linear regression on standardised features and target: Tribuo's SGD, or the least-squares
     * solution in closed form with a ridge penalty chosen by generalized cross-validation.
     */
    LINEAR("linear", List.of(
            ParamSpec.integer("epochs", 1, 1000, 10, "passes over the shard (solver sgd)"),
            ParamSpec.real("learningRate", 1e-6, 10, 0.05, "AdaGrad initial learning rate (solver sgd)"),
            ParamSpec.real("l2", 0, 100, 0, "L2 penalty on the weights, applied as weight decay per epoch (solver sgd)"),
            ParamSpec.choice("loss", List.of("squared", "huber"), "squared", "regression loss"),
            ParamSpec.choice("solver", List.of(LinearSolver.AUTO, LinearSolver.SGD, LinearSolver.EXACT),
                    LinearSolver.AUTO, LinearSolver.DESCRIPTION))),

    /** One Tribuo CART regression tree on quantile-binned features. */
    TREE("tree", List.of(
            ParamSpec.integer("maxDepth", 1, 64, 6, "maximum depth of the tree"),
            ParamSpec.integer("minLeafSize", 1, 100000, 5, "minimum number of rows in a node to split it"))),

    /**
     * A random forest per learner, grown by XGBoost in its random-forest mode: one round of
     * {@code trees} parallel trees, averaged, each on a share of the rows drawn without
     * replacement and trying a share of the features at each split. Depth 12 and leaves of two or
     * more rows: deeper trees cost time on large shards and gained no accuracy where measured. Each
     * numeric feature is cut into at most 64 bins (XGBoost's own default is 256): the trees are
     * randomised and averaged, so finer split points did not change the forest's accuracy where
     * measured, and a tree's cost grows with its nodes times the bins (docs/performance.md).
     */
    FOREST("forest", List.of(
            ParamSpec.integer("trees", 1, 500, 25, "trees per learner"),
            ParamSpec.integer("maxDepth", 1, 64, 12, "maximum depth of each tree"),
            ParamSpec.real("featureFraction", 0.05, 0.99, 0.5, "fraction of features tried at each split"),
            ParamSpec.integer("minLeafSize", 1, 100000, 2, "minimum number of rows in each leaf"),
            ParamSpec.real("rowFraction", 0.1, 1, 0.8, "fraction of the rows each tree is grown on, drawn without"
                    + " replacement"),
            ParamSpec.integer("maxBins", 2, 1024, 64, "most bins per numeric feature: the candidate split"
                    + " points are the edges of at most this many quantile bins"))),

    /**
     * Gradient-boosted trees with XGBoost (histogram method) on the raw, unbinned features. The
     * defaults lean to many small steps on shallow trees with row and column subsampling: they
     * hold up on shards of a few hundred to a few hundred thousand rows without tuning.
     */
    BOOSTED("boosted", List.of(
            ParamSpec.integer("trees", 1, 5000, 300, "boosting rounds, one tree each"),
            ParamSpec.integer("maxDepth", 1, 16, 4, "maximum depth of each tree"),
            ParamSpec.real("learningRate", 0.001, 1, 0.05, "shrinkage of each tree's contribution (eta)"),
            ParamSpec.real("subsample", 0.1, 1, 0.8, "fraction of rows each tree is grown on, drawn without replacement"),
            ParamSpec.real("colsampleByTree", 0.1, 1, 0.8, "fraction of features each tree may use"),
            ParamSpec.real("minChildWeight", 0, 1000, 1, "least hessian (rows, for squared error) in a child to split"),
            ParamSpec.real("lambda", 0, 1000, 1, "L2 penalty on leaf weights"),
            ParamSpec.integer("earlyStoppingRounds", 0, 1000, 0,
                    "0: train every round; otherwise stop when the RMSE on a held-out 10 % of the shard has not"
                            + " improved for this many rounds, and predict with the best round")));

    private final String wireName;
    private final List<ParamSpec> params;

    Algorithm(String wireName, List<ParamSpec> params) {
        this.wireName = wireName;
        this.params = params;
    }

    public String wireName() {
        return wireName;
    }

    public List<ParamSpec> params() {
        return params;
    }

    public static Algorithm fromWire(String name) {
        if (name == null || name.isBlank()) {
            return LINEAR;
        }
        return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new InvalidParamsException("unknown algorithm '" + name + "'; valid algorithms are "
                        + Arrays.stream(values()).map(Algorithm::wireName).collect(Collectors.joining(", "))));
    }

    /**
     * Checks the given parameters and returns them complete, defaults filled in, in a stable order,
     * so that the recorded provenance always names every value used.
     */
    public Map<String, Object> resolve(Map<String, Object> given) {
        Map<String, Object> in = given == null ? Map.of() : given;
        for (String key : in.keySet()) {
            if (params.stream().noneMatch(p -> p.name().equals(key))) {
                throw new InvalidParamsException("unknown parameter '" + key + "' for algorithm " + wireName
                        + "; valid parameters are " + params.stream().map(ParamSpec::toString)
                                .collect(Collectors.joining(", ")));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamSpec p : params) {
            Object v = in.get(p.name());
            out.put(p.name(), v == null ? p.defaultValue() : p.coerce(v));
        }
        if (this == LINEAR) {
            LinearSolver.check(out);
        }
        return out;
    }
}
