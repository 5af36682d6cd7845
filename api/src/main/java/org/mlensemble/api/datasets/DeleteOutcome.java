package org.mlensemble.api.datasets;

import java.util.List;

/**
 * The answer to a delete.
 *
 * @param removedBy learners that confirmed the folder is gone
 * @param missing   learners that were expected and did not confirm (down, or too slow)
 * @param streams   dataset streams deleted on the broker
 */
public record DeleteOutcome(String dataset, List<String> removedBy, List<String> missing, int streams) {
}
