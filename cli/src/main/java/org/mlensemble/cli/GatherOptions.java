package org.mlensemble.cli;

import org.mlensemble.common.learning.RequestDefaults;
import picocli.CommandLine.Option;

/** The options of a request that uses a model's members: evaluate and predict. */
final class GatherOptions extends MemberOptions {

    @Option(names = "--model-id", paramLabel = "ID", description = "the model to use [the latest]")
    String modelId;

    @Option(names = "--deadline-ms", paramLabel = "MS", description = {"how long to wait for the members",
        "[evaluate " + RequestDefaults.EVALUATE_DEADLINE_MS + ", predict " + RequestDefaults.PREDICT_DEADLINE_MS + "]"})
    Long deadlineMs;

    @Option(names = "--weighted", description = "weight members by their held-out error (fit --weighted)")
    boolean weighted;

    @Override
    Long deadlineMs() {
        return deadlineMs;
    }
}
