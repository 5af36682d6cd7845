package org.mlensemble.common.gather;

/**
 * What became of one learner in a gather. Callers decide on this; the words in
 * {@link GatherResult#outcomes()} say the same for people, with the learner's reason.
 */
public enum Outcome {
    /** replied successfully, and its reply was used */
    OK,
    /** replied successfully after another replica of its shard had answered: not used */
    HEDGED,
    /** did not reply, and was not needed: its shard had answered */
    NOT_NEEDED,
    /** replied that it does not hold the model */
    NO_MODEL,
    /** replied that the request itself is bad */
    REJECTED,
    /** replied that it failed */
    FAILED,
    /** presence lost it while it was awaited */
    LOST,
    /** alive, awaited, and no reply came before the gather completed */
    NO_REPLY,
    /** a holder that was not alive when the gather began */
    NOT_ALIVE
}
