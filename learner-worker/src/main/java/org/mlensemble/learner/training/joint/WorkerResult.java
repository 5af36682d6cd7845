package org.mlensemble.learner.training.joint;

/**
 * What a joint-training worker reports beside the model it writes ({@code model.ubj}).
 *
 * @param rank          the rank the tracker gave this worker
 * @param workers       how many workers trained
 * @param rounds        boosting rounds trained
 * @param bestIteration the round prediction uses
 * @param sha256        digest of the model bytes: rank 0's, which every worker keeps
 * @param peakRssMb     the worker process's peak resident memory (Linux {@code VmHWM}), -1 elsewhere
 */
public record WorkerResult(int rank, int workers, int rounds, int bestIteration, String sha256, long peakRssMb) {

    /** This process's peak resident memory in MB, or -1 where /proc does not say. */
    static long ownPeakRssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
