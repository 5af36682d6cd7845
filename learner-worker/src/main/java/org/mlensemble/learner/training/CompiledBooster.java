package org.mlensemble.learner.training;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trees of an XGBoost booster (boosted rounds, or a forest's parallel trees) as flat arrays,
 * read once from the booster's JSON model. Predicting a row is then a walk over arrays on a dense
 * float vector of its features, as XGBoost's CPU predictor walks them: a split sends the row left
 * when its value is less than the split condition and right otherwise, a missing value the
 * node's default way; a row's prediction is the base score plus each tree's leaf, summed in float
 * in tree order. A feature the row lacks is missing (NaN), or 0 for a booster trained with absent
 * features as 0; the trees used are those of the booster's iteration range (the best iteration's
 * when early stopping chose one).
 * <p>
 * XGBoost's own path copies the rows into a dense float matrix and predicts it natively; for a
 * forest of 25 deep trees that costs ~30 µs per row, the walk here a few.
 */
final class CompiledBooster extends IndexedPredictor {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** Per node, over every tree used: left child (-1 for a leaf), right child, feature, default left. */
    private final int[] left;
    private final int[] right;
    private final int[] feature;
    private final boolean[] defaultLeft;
    /** A split node's condition, a leaf's value. */
    private final float[] value;
    /** Each tree's root node. */
    private final int[] roots;
    private final float baseScore;
    private final float absent;
    private final int width;

    private CompiledBooster(Map<String, Integer> position, int width, int[] left, int[] right, int[] feature,
            boolean[] defaultLeft, float[] value, int[] roots, float baseScore, float absent) {
        super(position);
        this.width = width;
        this.left = left;
        this.right = right;
        this.feature = feature;
        this.defaultLeft = defaultLeft;
        this.value = value;
        this.roots = roots;
        this.baseScore = baseScore;
        this.absent = absent;
    }

    /**
     * The booster's trees, or null for a model this walker does not reproduce (another objective
     * than squared error, several targets, categorical splits, another booster than gbtree): that
     * one keeps XGBoost's path.
     *
     * @param json           the booster's model as XGBoost's JSON ({@code toByteArray("json")})
     * @param features       the booster's features, column {@code j} being {@code features.get(j)}
     * @param iterationRange the rounds to use, {@code [begin, end)}; {@code [0, 0]} for all
     * @param absent         what a feature the row lacks is: NaN (missing) or 0
     */
    static CompiledBooster of(byte[] json, List<String> features, int[] iterationRange, float absent) {
        JsonNode learner = JSON.readTree(json).path("learner");
        if (!"reg:squarederror".equals(learner.path("objective").path("name").asString(""))) {
            return null;
        }
        JsonNode params = learner.path("learner_model_param");
        if (!"gbtree".equals(learner.path("gradient_booster").path("name").asString(""))
                || params.path("num_target").asInt(1) > 1 || params.path("num_class").asInt(0) > 1) {
            return null;
        }
        float baseScore = baseScore(params.path("base_score").asString(""));
        JsonNode model = learner.path("gradient_booster").path("model");
        JsonNode trees = model.path("trees");
        int[] bounds = treeBounds(model, trees.size(), iterationRange);
        if (bounds == null) {
            return null;
        }
        int nodes = 0;
        for (int t = bounds[0]; t < bounds[1]; t++) {
            nodes += trees.get(t).path("left_children").size();
        }
        int[] left = new int[nodes];
        int[] right = new int[nodes];
        int[] feature = new int[nodes];
        boolean[] defaultLeft = new boolean[nodes];
        float[] value = new float[nodes];
        int[] roots = new int[bounds[1] - bounds[0]];
        int at = 0;
        for (int t = bounds[0]; t < bounds[1]; t++) {
            JsonNode tree = trees.get(t);
            JsonNode l = tree.path("left_children");
            JsonNode r = tree.path("right_children");
            JsonNode f = tree.path("split_indices");
            JsonNode c = tree.path("split_conditions");
            JsonNode d = tree.path("default_left");
            JsonNode type = tree.path("split_type");
            int n = l.size();
            if (n == 0 || r.size() != n || f.size() != n || c.size() != n || d.size() != n
                    || tree.path("tree_param").path("size_leaf_vector").asInt(1) > 1) {
                return null;
            }
            roots[t - bounds[0]] = at;
            for (int i = 0; i < n; i++) {
                int li = l.get(i).asInt();
                if (li >= 0) {
                    if (li >= n || r.get(i).asInt() < 0 || r.get(i).asInt() >= n
                            || type.size() == n && type.get(i).asInt() != 0 // a categorical split
                            || f.get(i).asInt() < 0 || f.get(i).asInt() >= features.size()) {
                        return null;
                    }
                    left[at + i] = at + li;
                    right[at + i] = at + r.get(i).asInt();
                } else {
                    left[at + i] = -1;
                    right[at + i] = -1;
                }
                feature[at + i] = f.get(i).asInt();
                defaultLeft[at + i] = d.get(i).isBoolean() ? d.get(i).booleanValue() : d.get(i).asInt() != 0;
                value[at + i] = c.get(i).decimalValue().floatValue();
            }
            at += n;
        }
        return new CompiledBooster(IndexedPredictor.positions(features), features.size(), left, right, feature,
                defaultLeft, value, roots, baseScore, absent);
    }

    /** XGBoost writes the base score as {@code 1.8E5} or, since 3.0, as a vector {@code [1.8E5]}. */
    private static float baseScore(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.isEmpty() || s.contains(",")) {
            throw new IllegalArgumentException("unexpected XGBoost base score: " + text);
        }
        return Float.parseFloat(s);
    }

    /** The trees {@code [first, end)} of the iteration range, or null when they cannot be told. */
    private static int[] treeBounds(JsonNode model, int treeCount, int[] range) {
        JsonNode indptr = model.path("iteration_indptr");
        int[] ptr;
        if (indptr.isArray() && indptr.size() > 0) {
            ptr = new int[indptr.size()];
            for (int i = 0; i < ptr.length; i++) {
                ptr[i] = indptr.get(i).asInt();
            }
        } else {
            int perRound = Math.max(1, model.path("gbtree_model_param").path("num_parallel_tree").asInt(1));
            if (treeCount % perRound != 0) {
                return null;
            }
            ptr = new int[treeCount / perRound + 1];
            for (int i = 0; i < ptr.length; i++) {
                ptr[i] = i * perRound;
            }
        }
        int rounds = ptr.length - 1;
        if (ptr[rounds] != treeCount) {
            return null;
        }
        int begin = range[0];
        int end = range[1] == 0 ? rounds : range[1];
        if (begin < 0 || begin > end || end > rounds) {
            return null;
        }
        return new int[] {ptr[begin], ptr[end]};
    }

    /** How many trees a row walks. */
    int trees() {
        return roots.length;
    }

    @Override
    RowPredictor rowPredictor() {
        float[] x = new float[width];
        Arrays.fill(x, absent);
        return (idx, val, n) -> {
            for (int j = 0; j < n; j++) {
                x[idx[j]] = (float) val[j];
            }
            float sum = baseScore;
            for (int root : roots) {
                sum += leaf(root, x);
            }
            for (int j = 0; j < n; j++) {
                x[idx[j]] = absent;
            }
            return sum;
        };
    }

    private float leaf(int root, float[] x) {
        int node = root;
        int l;
        while ((l = left[node]) >= 0) {
            float v = x[feature[node]];
            float c = value[node];
            node = v < c ? l : v >= c ? right[node] : defaultLeft[node] ? l : right[node];
        }
        return value[node];
    }
}
