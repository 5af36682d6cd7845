package org.mlensemble.learner.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mlensemble.common.features.EncodedRow;
import org.mlensemble.common.features.FeatureEncoding;

/**
 * The fitted function of a member, in the encoded target's units: a Tribuo model, an XGBoost
 * booster, or linear weights solved in closed form. Each is stored in its own format, in a file of
 * its own beside the member's metadata; which file a folder holds says which kind it is.
 */
sealed interface Regression permits TribuoRegression, BoostedRegression, SolvedLinearRegression {

    /** Predicts encoded rows; the caller maps the values back to the target's units. */
    double[] predict(List<EncodedRow> rows);

    /** Writes the model file into {@code folder}. */
    void save(Path folder) throws IOException;

    /** Loads the model file a member folder holds; {@code encoding} is the member's own. */
    static Regression load(Path folder, FeatureEncoding encoding) throws IOException {
        if (Files.exists(folder.resolve(BoostedRegression.FILE))) {
            return BoostedRegression.load(folder.resolve(BoostedRegression.FILE), encoding);
        }
        if (Files.exists(folder.resolve(SolvedLinearRegression.FILE))) {
            return SolvedLinearRegression.load(folder.resolve(SolvedLinearRegression.FILE), encoding);
        }
        return TribuoRegression.load(folder.resolve(TribuoRegression.FILE));
    }
}
