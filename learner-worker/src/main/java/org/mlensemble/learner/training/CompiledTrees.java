package org.mlensemble.learner.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.regression.Regressor;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.regression.rtree.IndependentRegressionTreeModel;

/**
 * A tree member (one CART tree, or a forest of them averaged) as flat arrays, read once from the
 * Tribuo model. Predicting a row is then a walk over arrays on a dense vector of its features:
 * Tribuo's own path builds an example per row and, in a forest, a sparse vector per row and tree
 * from the features' names, which cost far more than the walk. A split sends a row to the greater
 * side when its feature is greater than the split value, a feature the row lacks counting as 0, as
 * in Tribuo.
 */
final class CompiledTrees extends IndexedPredictor {

    /** Per tree, per node: the feature (dense position) and split value, or -1 and the leaf value. */
    private final int[][] feature;
    private final double[][] split;
    private final int[][] greater;
    private final int[][] lessOrEqual;
    private final double[][] leaf;
    private final boolean average;

    private CompiledTrees(List<Tree> trees, Map<String, Integer> position, boolean average) {
        super(position);
        int t = trees.size();
        this.feature = new int[t][];
        this.split = new double[t][];
        this.greater = new int[t][];
        this.lessOrEqual = new int[t][];
        this.leaf = new double[t][];
        for (int i = 0; i < t; i++) {
            Tree tree = trees.get(i);
            feature[i] = tree.feature.stream().mapToInt(Integer::intValue).toArray();
            split[i] = tree.split.stream().mapToDouble(Double::doubleValue).toArray();
            greater[i] = tree.greater.stream().mapToInt(Integer::intValue).toArray();
            lessOrEqual[i] = tree.lessOrEqual.stream().mapToInt(Integer::intValue).toArray();
            leaf[i] = tree.leaf.stream().mapToDouble(Double::doubleValue).toArray();
        }
        this.average = average;
    }

    /**
     * The trees of a single-output CART model or of a forest averaging them, or null for any other
     * model (which keeps Tribuo's path).
     */
    static CompiledTrees of(Model<Regressor> model) {
        List<IndependentRegressionTreeModel> trees = new ArrayList<>();
        boolean average;
        if (model instanceof IndependentRegressionTreeModel tree) {
            trees.add(tree);
            average = false;
        } else if (model instanceof WeightedEnsembleModel<Regressor> forest
                // MemberTrainer's forests average their trees (AveragingCombiner, every weight 1)
                && RandomForestTrainer.class.getName().equals(forest.getProvenance().getTrainerProvenance().getClassName())) {
            for (Model<Regressor> m : forest.getModels()) {
                if (!(m instanceof IndependentRegressionTreeModel tree)) {
                    return null;
                }
                trees.add(tree);
            }
            average = true;
        } else {
            return null;
        }
        Map<String, Integer> position = new HashMap<>();
        List<Tree> compiled = new ArrayList<>();
        for (IndependentRegressionTreeModel tree : trees) {
            if (tree.getRoots().size() != 1) {
                return null;
            }
            Tree c = new Tree();
            if (c.add(tree.getRoots().values().iterator().next(), tree.getFeatureIDMap(), position) < 0) {
                return null;
            }
            compiled.add(c);
        }
        return compiled.isEmpty() ? null : new CompiledTrees(compiled, position, average);
    }

    /**
     * A row's prediction (the trees' mean for a forest): its features are spread into a dense
     * vector, the trees walked, and the vector cleared again for the next row.
     */
    @Override
    RowPredictor rowPredictor() {
        double[] x = new double[width()];
        return (idx, val, n) -> {
            for (int j = 0; j < n; j++) {
                x[idx[j]] = val[j];
            }
            double sum = 0;
            for (int t = 0; t < feature.length; t++) {
                sum += walk(t, x);
            }
            for (int j = 0; j < n; j++) {
                x[idx[j]] = 0;
            }
            return average ? sum / feature.length : sum;
        };
    }

    private double walk(int t, double[] x) {
        int[] f = feature[t];
        int node = 0;
        while (f[node] >= 0) {
            node = x[f[node]] > split[t][node] ? greater[t][node] : lessOrEqual[t][node];
        }
        return leaf[t][node];
    }

    /** One tree being flattened, nodes in pre-order from the root at 0. */
    private static final class Tree {
        final List<Integer> feature = new ArrayList<>();
        final List<Double> split = new ArrayList<>();
        final List<Integer> greater = new ArrayList<>();
        final List<Integer> lessOrEqual = new ArrayList<>();
        final List<Double> leaf = new ArrayList<>();

        /** Adds a node and its subtree; returns its number, or -1 for a node it cannot read. */
        int add(Node<Regressor> node, ImmutableFeatureMap features, Map<String, Integer> position) {
            int at = feature.size();
            feature.add(-1);
            split.add(0.0);
            greater.add(-1);
            lessOrEqual.add(-1);
            leaf.add(0.0);
            if (node instanceof LeafNode<Regressor> l) {
                double[] values = l.getOutput().getValues();
                if (values.length != 1) {
                    return -1;
                }
                leaf.set(at, values[0]);
                return at;
            }
            if (!(node instanceof SplitNode<Regressor> s)) {
                return -1;
            }
            var info = features.get(s.getFeatureID());
            if (info == null) {
                return -1;
            }
            feature.set(at, position.computeIfAbsent(info.getName(), k -> position.size()));
            split.set(at, s.splitValue());
            int g = add(s.getGreaterThan(), features, position);
            int le = add(s.getLessThanOrEqual(), features, position);
            if (g < 0 || le < 0) {
                return -1;
            }
            greater.set(at, g);
            lessOrEqual.set(at, le);
            return at;
        }
    }
}
