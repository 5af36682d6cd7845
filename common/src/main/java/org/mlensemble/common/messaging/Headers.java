package org.mlensemble.common.messaging;

/** AMQP header names of the job protocol, defined once. */
public final class Headers {

    /** Which job a message carries: {@link JobType#wireName()}. */
    public static final String JOB_TYPE = "x-ml-job";

    /** Epoch milliseconds after which nobody waits for the answer; work past it is wasted. */
    public static final String DEADLINE = "x-ml-deadline";

    /** Version of the message contract, so that a learner can refuse what it cannot read. */
    public static final String PROTOCOL = "x-ml-protocol";

    public static final int PROTOCOL_VERSION = 1;

    /**
     * On a job: the reply form the requester reads besides JSON ({@link JobReplyCodec#BINARY});
     * absent, the reply is JSON.
     */
    public static final String REPLY_FORMAT = "x-ml-reply";

    /** Which peer-sync request a message carries: {@code inventory} or {@code fetch}. */
    public static final String SYNC_REQUEST = "x-ml-sync";

    /** Outcome of a sync fetch: {@code ok}, {@code missing} (not held, or gone) or {@code refused}. */
    public static final String SYNC_STATUS = "x-ml-sync-status";

    /** Size in bytes of the whole file a fetched chunk belongs to. */
    public static final String SYNC_FILE_SIZE = "x-ml-sync-file-size";

    /**
     * On a dataset stream message: {@code data} for a chunk of rows, {@code end} for the marker
     * that closes a part (its body is a {@link DatasetPartEnd}).
     */
    public static final String DATASET_CHUNK = "x-ml-chunk";

    /** On a dataset chunk: how many rows it carries. */
    public static final String DATASET_ROWS = "x-ml-rows";

    private Headers() {
    }
}
