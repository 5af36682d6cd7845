package org.mlensemble.api.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.DatasetInfo;
import org.mlensemble.common.messaging.DatasetPart;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.messaging.StoreDatasetJob;

/** An upload is answered once every part has a learner that holds exactly what was sent. */
class ConfirmationsTest {

    private static final StoreDatasetJob JOB = new StoreDatasetJob("d", "u1", "y", List.of("x", "y"),
            List.of(new DatasetPart("A", "s.A", 10, 100, "aa"), new DatasetPart("B", "s.B", 10, 100, "bb"),
                    new DatasetPart("test", "s.test", 9, 90, "tt")), 42, 0.3, 0);

    private static JobReply stored(String learner, String shard, String sha, String testSha, String uploadId) {
        DatasetInfo info = new DatasetInfo("d", shard, 10, sha, true, 9, testSha, 2, uploadId, "y", 42, 0.3, 2, 0);
        return new JobReply(learner, shard, JobType.STORE_DATASET, "d", ReplyStatus.OK, null, null, null, null, 5,
                info);
    }

    @Test
    void everyShardNeedsALearnerWithItsChecksum() {
        JobReply a = stored("learner-1", "A", "aa", "tt", "u1");
        JobReply bWrong = stored("learner-2", "B", "b?", "tt", "u1");
        JobReply bOld = stored("learner-6", "B", "bb", "tt", "u0");
        assertThat(DatasetUploads.unconfirmed(JOB, List.of(a))).containsExactly("B");
        assertThat(DatasetUploads.unconfirmed(JOB, List.of(a, bWrong, bOld))).containsExactly("B");

        JobReply b = stored("learner-2", "B", "bb", "tt", "u1");
        JobReply testOnly = stored("learner-3", null, null, "tt", "u1");
        assertThat(DatasetUploads.unconfirmed(JOB, List.of(a, b))).isEmpty();
        assertThat(DatasetUploads.confirmations(JOB, List.of(a, b, testOnly)).get("test"))
                .containsExactly("learner-1", "learner-2", "learner-3");
    }
}
