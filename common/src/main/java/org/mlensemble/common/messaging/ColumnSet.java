package org.mlensemble.common.messaging;

import java.util.List;

/**
 * The columns a predict request may name for some of a learner's members: their feature columns,
 * the target and the ignored columns. Members of one dataset share one set, so a heartbeat lists
 * each set once with the models that accept it, rather than the columns of every model.
 */
public record ColumnSet(List<String> columns, List<String> modelIds) {

    public ColumnSet {
        columns = columns == null ? List.of() : List.copyOf(columns);
        modelIds = modelIds == null ? List.of() : List.copyOf(modelIds);
    }
}
