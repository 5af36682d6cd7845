package org.mlensemble.common.messaging;

import java.util.List;
import java.util.Map;

/**
 * Predict rows with one model. Rows are column-major, as in the HTTP body: each column maps to
 * one value per row, {@code null} meaning missing.
 */
public record PredictJob(String modelId, Map<String, List<Object>> columns, int rows) {
}
