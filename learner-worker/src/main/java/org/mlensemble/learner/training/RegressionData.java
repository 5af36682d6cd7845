package org.mlensemble.learner.training;

import java.util.List;
import org.mlensemble.common.features.EncodedRow;
import org.tribuo.MutableDataset;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Turns encoded rows into Tribuo datasets. */
final class RegressionData {

    static final RegressionFactory FACTORY = new RegressionFactory();
    static final Regressor UNKNOWN = FACTORY.getUnknownOutput();

    private RegressionData() {
    }

    static MutableDataset<Regressor> dataset(String description, String target, List<EncodedRow> rows, double[] y,
            int[] rowIndex) {
        var provenance = new SimpleDataSourceProvenance(description, FACTORY);
        MutableDataset<Regressor> ds = new MutableDataset<>(provenance, FACTORY);
        for (int i : rowIndex) {
            EncodedRow r = rows.get(i);
            ds.add(new ArrayExample<>(new Regressor(target, y[i]), r.names(), r.values()));
        }
        return ds;
    }
}
