package org.mlensemble.api.ensemble;

import java.util.List;
import org.mlensemble.common.gather.GatherResult;

/**
 * How complete the ensemble was for one answer.
 *
 * @param used     members whose replies made the answer
 * @param expected members the ensemble has, alive or not
 * @param missing  learner ids of members that did not contribute
 */
public record Members(int used, int expected, List<String> missing) {

    static Members of(GatherResult r) {
        return new Members(r.used(), r.expected(), r.missing());
    }
}
