package org.mlensemble.learner.datasets;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.mlensemble.common.messaging.DatasetInfo;
import org.mlensemble.common.messaging.DatasetPart;
import org.mlensemble.common.messaging.DatasetPartEnd;
import org.mlensemble.common.messaging.DeleteDatasetJob;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.Names;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.messaging.StoreDatasetJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores and deletes uploaded datasets on this learner: its own shard's part and the test part,
 * read from their streams, checked, and moved into place together. Plain Java: the listener
 * turns jobs into these calls.
 */
public final class DatasetJobs {

    private static final Logger log = LoggerFactory.getLogger(DatasetJobs.class);

    private final String learnerId;
    private final String shard;
    private final DatasetStore store;
    private final PartSource source;
    private final Duration readTimeout;
    private final Clock clock;

    public DatasetJobs(String learnerId, String shard, DatasetStore store, PartSource source, Duration readTimeout,
            Clock clock) {
        this.learnerId = learnerId;
        this.shard = shard;
        this.store = store;
        this.source = source;
        this.readTimeout = readTimeout;
        this.clock = clock;
    }

    public JobReply store(StoreDatasetJob job) {
        long started = clock.millis();
        if (!Names.isSafeName(job.dataset()) || !Names.isSafeName(job.uploadId())) {
            return reply(JobType.STORE_DATASET, job.dataset(), ReplyStatus.BAD_REQUEST, "invalid dataset or upload id",
                    null, started);
        }
        List<DatasetPart> wanted = new ArrayList<>();
        boolean holdsShard = false;
        for (DatasetPart p : job.parts()) {
            if (p.part().equals(shard)) {
                wanted.add(p);
                holdsShard = true;
            } else if (StoreDatasetJob.TEST_PART.equals(p.part())) {
                wanted.add(p);
            }
        }
        List<DatasetStore.Receiving> receiving = new ArrayList<>();
        try {
            List<DatasetStore.Received> received = new ArrayList<>();
            for (DatasetPart p : wanted) {
                DatasetStore.Receiving r = store.receive(job.dataset(), p.part());
                receiving.add(r);
                DatasetPartEnd end = source.read(p.stream(), r::chunk, readTimeout);
                if (end.rows() != p.rows() || !end.sha256().equalsIgnoreCase(p.sha256())) {
                    throw new DatasetStore.PartMismatch("part " + p.part() + ": the stream's marker (" + end.rows()
                            + " rows, " + end.sha256() + ") differs from the job's (" + p.rows() + " rows, "
                            + p.sha256() + ")");
                }
                received.add(r.finish(end));
            }
            store.commit(job, received, holdsShard ? null : shard);
            DatasetInfo info = store.describe(job.dataset());
            String reason = holdsShard ? "stored shard " + shard + " and the test part"
                    : "shard " + shard + " is not among the dataset's " + job.shards()
                            + " shard(s): stored the test part only";
            log.info("dataset {} upload {}: {} in {} ms", job.dataset(), job.uploadId(), reason,
                    clock.millis() - started);
            return reply(JobType.STORE_DATASET, job.dataset(), ReplyStatus.OK, reason, info, started);
        } catch (DatasetStore.PartMismatch e) {
            log.warn("dataset {} upload {} not stored: {}", job.dataset(), job.uploadId(), e.getMessage());
            return reply(JobType.STORE_DATASET, job.dataset(), ReplyStatus.FAILED, e.getMessage(), null, started);
        } catch (IOException | RuntimeException e) {
            log.warn("dataset {} upload {} not stored: {}", job.dataset(), job.uploadId(), e.toString());
            return reply(JobType.STORE_DATASET, job.dataset(), ReplyStatus.FAILED,
                    "cannot store the dataset: " + e.getMessage(), null, started);
        } finally {
            for (DatasetStore.Receiving r : receiving) {
                try {
                    r.discard();
                } catch (IOException e) {
                    log.warn("cannot clean up a received part: {}", e.getMessage());
                }
            }
        }
    }

    public JobReply delete(DeleteDatasetJob job) {
        long started = clock.millis();
        if (!Names.isSafeName(job.dataset())) {
            return reply(JobType.DELETE_DATASET, job.dataset(), ReplyStatus.BAD_REQUEST, "invalid dataset name", null,
                    started);
        }
        try {
            boolean removed = store.delete(job.dataset());
            return reply(JobType.DELETE_DATASET, job.dataset(), ReplyStatus.OK, removed ? "removed" : "not held",
                    null, started);
        } catch (IOException | RuntimeException e) {
            return reply(JobType.DELETE_DATASET, job.dataset(), ReplyStatus.FAILED,
                    "cannot remove the dataset: " + e.getMessage(), null, started);
        }
    }

    private JobReply reply(JobType type, String dataset, ReplyStatus status, String reason, DatasetInfo info,
            long started) {
        return new JobReply(learnerId, shard, type, dataset, status, reason, null, null, null,
                clock.millis() - started, info);
    }
}
