package org.mlensemble.learner.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.FeatureEncoding;
import org.mlensemble.common.messaging.MessageCodec;

/**
 * A linear member whose weights were solved in closed form ({@link RidgeSolver}), not trained by
 * Tribuo: its weights by feature name and its intercept, stored as JSON in {@code member.linear.json}
 * beside the member's encoding, with what the solve chose. Predicts through the same
 * {@link LinearWeights} as a Tribuo linear member: a dot product per row.
 */
final class SolvedLinearRegression implements Regression {

    static final String FILE = "member.linear.json";
    static final String FORMAT = "ridge-closed-form/1";

    /**
     * The stored form. {@code features} and {@code weights} are parallel; a feature of the encoding
     * that got no weight (constant on the shard) is stored with 0.
     *
     * @param provenance how the weights were solved: the penalty and how it was chosen, the rows
     */
    record Stored(String format, List<String> features, double[] weights, double intercept,
            Map<String, String> provenance) {
    }

    private final Stored stored;
    private final LinearWeights linear;

    SolvedLinearRegression(List<String> features, double[] weights, double intercept, Map<String, String> provenance) {
        this(new Stored(FORMAT, List.copyOf(features), weights.clone(), intercept, Map.copyOf(provenance)));
    }

    private SolvedLinearRegression(Stored stored) {
        if (stored.features().size() != stored.weights().length) {
            throw new IllegalArgumentException(stored.features().size() + " features for " + stored.weights().length
                    + " weights");
        }
        this.stored = stored;
        Map<String, Double> byName = new HashMap<>(stored.features().size() * 2);
        for (int j = 0; j < stored.weights().length; j++) {
            byName.put(stored.features().get(j), stored.weights()[j]);
        }
        this.linear = LinearWeights.of(byName, stored.intercept());
    }

    LinearWeights linear() {
        return linear;
    }

    Stored stored() {
        return stored;
    }

    @Override
    public double[] predict(List<EncodedRow> rows) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = linear.predict(rows.get(i));
        }
        return out;
    }

    @Override
    public void save(Path folder) throws IOException {
        Files.write(folder.resolve(FILE), MessageCodec.encode(stored));
    }

    static SolvedLinearRegression load(Path file, FeatureEncoding encoding) throws IOException {
        Stored s;
        try {
            s = MessageCodec.decode(Files.readAllBytes(file), Stored.class);
        } catch (RuntimeException e) {
            throw new IOException("not a solved linear model: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(s.format())) {
            throw new IOException("unknown solved linear model format " + s.format());
        }
        if (s.features() == null || s.weights() == null || s.features().size() != s.weights().length) {
            throw new IOException("a solved linear model needs as many weights as features");
        }
        if (!encoding.featureNames().containsAll(s.features())) {
            throw new IOException("the solved linear model names features its encoding does not produce");
        }
        for (double w : s.weights()) {
            if (!Double.isFinite(w)) {
                throw new IOException("a solved linear model has a weight that is not finite");
            }
        }
        if (!Double.isFinite(s.intercept())) {
            throw new IOException("a solved linear model has an intercept that is not finite");
        }
        return new SolvedLinearRegression(s);
    }
}
