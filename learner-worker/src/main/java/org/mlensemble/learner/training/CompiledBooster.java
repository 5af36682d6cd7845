package org.mlensemble.learner.training;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.features.FeatureEncoding;
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

    /** Rows walked together: each tree's nodes stay in the cache while it is walked for all of them. */
    static final int BLOCK = 64;

    /**
     * Per node, over every tree used, {@link #STRIDE} ints: the left child's offset (-1 for a
     * leaf), the feature with the default-left flag in its sign bit, and the split condition's
     * (a leaf's value's) float bits. A right child follows its left one, so the walk needs no
     * right offset and picks a side by adding 0 or {@link #STRIDE}.
     */
    private final int[] nodes;
    static final int STRIDE = 3;
    /** Each tree's root offset. */
    private final int[] roots;
    private final float baseScore;
    private final float absent;
    private final int width;

    private CompiledBooster(Map<String, Integer> position, int width, int[] nodes, int[] roots, float baseScore,
            float absent) {
        super(position);
        this.width = width;
        this.nodes = nodes;
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
        int[] packed = new int[nodes * STRIDE];
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
            roots[t - bounds[0]] = at * STRIDE;
            // slots from the root down, the two children of a split side by side
            int[] slot = new int[n];
            Arrays.fill(slot, -1);
            int[] queue = new int[n];
            int head = 0;
            int tail = 0;
            int next = 1;
            slot[0] = 0;
            queue[tail++] = 0;
            while (head < tail) {
                int i = queue[head++];
                int li = l.get(i).asInt();
                int o = (at + slot[i]) * STRIDE;
                if (li >= 0) {
                    int ri = r.get(i).asInt();
                    if (li >= n || ri < 0 || ri >= n || slot[li] >= 0 || slot[ri] >= 0
                            || type.size() == n && type.get(i).asInt() != 0 // a categorical split
                            || f.get(i).asInt() < 0 || f.get(i).asInt() >= features.size()) {
                        return null;
                    }
                    slot[li] = next;
                    slot[ri] = next + 1;
                    next += 2;
                    queue[tail++] = li;
                    queue[tail++] = ri;
                    packed[o] = (at + slot[li]) * STRIDE;
                    boolean defaultLeft = d.get(i).isBoolean() ? d.get(i).booleanValue() : d.get(i).asInt() != 0;
                    packed[o + 1] = f.get(i).asInt() | (defaultLeft ? Integer.MIN_VALUE : 0);
                } else {
                    packed[o] = -1;
                }
                packed[o + 2] = Float.floatToRawIntBits(c.get(i).decimalValue().floatValue());
            }
            at += n;
        }
        return new CompiledBooster(IndexedPredictor.positions(features), features.size(), packed, roots, baseScore,
                absent);
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

    /**
     * The rows a block of {@link #BLOCK} at a time: the block's features spread into dense float
     * vectors, then each tree walked for every row of the block (so its nodes are read from the
     * cache), each row's sum kept in float in tree order, as XGBoost sums.
     */
    @Override
    double[] predict(FeatureEncoding.IndexedRows rows) {
        int count = rows.rows();
        double[] out = new double[count];
        float[] x = new float[BLOCK * width];
        Arrays.fill(x, absent);
        int[][] idx = new int[BLOCK][rows.width()];
        double[][] val = new double[BLOCK][rows.width()];
        int[] n = new int[BLOCK];
        float[] sum = new float[BLOCK];
        for (int start = 0; start < count; start += BLOCK) {
            int b = Math.min(BLOCK, count - start);
            for (int r = 0; r < b; r++) {
                n[r] = rows.row(start + r, idx[r], val[r]);
                int base = r * width;
                for (int j = 0; j < n[r]; j++) {
                    x[base + idx[r][j]] = (float) val[r][j];
                }
            }
            Arrays.fill(sum, 0, b, baseScore);
            for (int root : roots) {
                for (int r = 0; r < b; r++) {
                    sum[r] += leaf(root, x, r * width);
                }
            }
            for (int r = 0; r < b; r++) {
                out[start + r] = sum[r];
                int base = r * width;
                for (int j = 0; j < n[r]; j++) {
                    x[base + idx[r][j]] = absent;
                }
            }
        }
        return out;
    }

    /** One row at a time, as {@link #predict} sums it. */
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
                sum += leaf(root, x, 0);
            }
            for (int j = 0; j < n; j++) {
                x[idx[j]] = absent;
            }
            return sum;
        };
    }

    /** The leaf value a row reaches in the tree at {@code root}; its features start at {@code x[base]}. */
    private float leaf(int root, float[] x, int base) {
        int[] t = nodes;
        int node = root;
        int l;
        while ((l = t[node]) >= 0) {
            int fd = t[node + 1];
            float v = x[base + (fd & Integer.MAX_VALUE)];
            // left when less; a missing value (NaN compares false) its node's default way
            node = l + (v < Float.intBitsToFloat(t[node + 2]) || v != v && fd < 0 ? 0 : STRIDE);
        }
        return Float.intBitsToFloat(t[node + 2]);
    }
}
