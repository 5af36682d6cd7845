package org.mlensemble.api.ensemble;

import java.util.List;

/**
 * The answer to deleting, pinning or unpinning a model version.
 *
 * @param action    {@code deleted}, {@code pinned} or {@code unpinned}
 * @param learners  the holders that confirmed the change
 * @param pending   holders that did not confirm: down or too slow. The job waits in their queues for
 *                  the fit catch-up window, so one that comes back within it still applies it
 */
public record ModelChange(String modelId, String action, List<String> learners, List<String> pending,
        long elapsedMs) {
}
