package org.mlensemble.learner.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlensemble.common.features.EncodedRow;
import org.tribuo.Model;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;

/**
 * A Tribuo model, stored with Tribuo's protobuf serialisation. Linear models predict through
 * their {@link LinearWeights}; trees and tree ensembles also have {@link CompiledTrees} for
 * column-major predicts; encoded rows of every other model go through Tribuo's own path. Tribuo
 * models predict concurrently.
 */
record TribuoRegression(Model<Regressor> model, LinearWeights linear, CompiledTrees trees) implements Regression {

    static final String FILE = "member.tribuo";

    TribuoRegression(Model<Regressor> model) {
        this(model, LinearWeights.of(model));
    }

    private TribuoRegression(Model<Regressor> model, LinearWeights linear) {
        this(model, linear, linear == null ? CompiledTrees.of(model) : null);
    }

    @Override
    public double[] predict(List<EncodedRow> rows) {
        if (linear == null) {
            return predictWithTribuo(rows);
        }
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = linear.predict(rows.get(i));
        }
        return out;
    }

    /** Tribuo's own prediction path: every model type, one example per row. */
    double[] predictWithTribuo(List<EncodedRow> rows) {
        List<org.tribuo.Example<Regressor>> examples = new ArrayList<>(rows.size());
        for (EncodedRow r : rows) {
            examples.add(new ArrayExample<>(RegressionData.UNKNOWN, r.names(), r.values()));
        }
        double[] out = new double[rows.size()];
        var predictions = model.predict(examples);
        for (int i = 0; i < out.length; i++) {
            out[i] = predictions.get(i).getOutput().getValues()[0];
        }
        return out;
    }

    @Override
    public void save(Path folder) throws IOException {
        model.serializeToFile(folder.resolve(FILE));
    }

    @SuppressWarnings("unchecked")
    static TribuoRegression load(Path file) throws IOException {
        Model<?> model = Model.deserializeFromFile(file);
        if (!model.validate(Regressor.class)) {
            throw new IOException("not a regression model");
        }
        return new TribuoRegression((Model<Regressor>) model);
    }
}
