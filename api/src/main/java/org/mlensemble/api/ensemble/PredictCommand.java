package org.mlensemble.api.ensemble;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A validated predict request: rows column-major, one list of values per column. */
public record PredictCommand(String modelId, Map<String, List<Object>> columns, int rows, Duration deadline,
        int quorum, boolean weighted) {
}
