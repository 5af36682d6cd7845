package org.mlensemble.learner.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.common.messaging.DatasetInfo;
import org.mlensemble.common.messaging.DatasetPart;
import org.mlensemble.common.messaging.DatasetPartEnd;
import org.mlensemble.common.messaging.DeleteDatasetJob;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.messaging.StoreDatasetJob;
import org.mlensemble.common.table.CsvReader;

/** Storing uploaded parts: checked, then moved into place; a part that does not check out leaves nothing. */
class DatasetJobsTest {

    @TempDir
    Path dataDir;

    /** Streams held in memory: each a list of chunks, then the end marker the api would send. */
    private final Map<String, List<String>> streams = new LinkedHashMap<>();
    private final Map<String, DatasetPartEnd> ends = new LinkedHashMap<>();

    private final PartSource source = (stream, sink, timeout) -> {
        List<String> chunks = streams.get(stream);
        if (chunks == null) {
            throw new IOException("no stream " + stream);
        }
        for (String c : chunks) {
            sink.chunk(c.getBytes(StandardCharsets.UTF_8), c.lines().count() - (c.startsWith("x,y") ? 1 : 0));
        }
        return ends.get(stream);
    };

    private DatasetPart part(String part, String... chunks) {
        String stream = "s." + part;
        streams.put(stream, List.of(chunks));
        String all = String.join("", chunks);
        long rows = all.lines().count() - 1;
        String sha = sha256(all);
        ends.put(stream, new DatasetPartEnd(part, rows, all.getBytes(StandardCharsets.UTF_8).length, sha));
        return new DatasetPart(part, stream, rows, all.getBytes(StandardCharsets.UTF_8).length, sha);
    }

    private StoreDatasetJob job(List<DatasetPart> parts) {
        return new StoreDatasetJob("uploaded", "u1", "y", List.of("x", "y"), parts, 42, 0.3, 1000);
    }

    private DatasetJobs jobs(String shard) {
        return new DatasetJobs("learner-1", shard, new DatasetStore(dataDir, shard), source, Duration.ofSeconds(5),
                Clock.systemUTC());
    }

    @Test
    void aLearnerStoresItsShardAndTheTestPartWithManifests() throws IOException {
        StoreDatasetJob job = job(List.of(part("A", "x,y\n1,2\n", "3,4\n"), part("B", "x,y\n5,6\n"),
                part("test", "x,y\n7,8\n9,10\n")));
        JobReply reply = jobs("A").store(job);
        assertThat(reply.status()).as(reply.reason()).isEqualTo(ReplyStatus.OK);
        assertThat(CsvReader.read(dataDir.resolve("uploaded/A/data.csv")).rows()).hasSize(2);
        assertThat(CsvReader.read(dataDir.resolve("uploaded/test/data.csv")).rows()).hasSize(2);
        assertThat(dataDir.resolve("uploaded/B")).doesNotExist();
        assertThat(dataDir.resolve("uploaded/A/manifest.json")).exists();
        DatasetInfo info = reply.dataset();
        assertThat(info.shard()).isEqualTo("A");
        assertThat(info.rows()).isEqualTo(2);
        assertThat(info.sha256()).isEqualTo(job.parts().get(0).sha256());
        assertThat(info.testRows()).isEqualTo(2);
        assertThat(info.uploadId()).isEqualTo("u1");
        assertThat(info.shards()).isEqualTo(2);
        assertThat(info.columns()).isEqualTo(2);
        assertThat(incoming()).isEmpty();
    }

    @Test
    void aLearnerWhoseShardIsNotUploadedStoresOnlyTheTestPartAndSaysSo() throws IOException {
        Files.createDirectories(dataDir.resolve("uploaded/D"));
        Files.writeString(dataDir.resolve("uploaded/D/data.csv"), "x,y\nold,1\n");
        JobReply reply = jobs("D").store(job(List.of(part("A", "x,y\n1,2\n"), part("test", "x,y\n7,8\n"))));
        assertThat(reply.status()).isEqualTo(ReplyStatus.OK);
        assertThat(reply.reason()).contains("shard D is not among the dataset's 1 shard(s)");
        assertThat(reply.dataset().shard()).isNull();
        assertThat(reply.dataset().hasTest()).isTrue();
        assertThat(dataDir.resolve("uploaded/D")).as("an older upload's shard D").doesNotExist();
    }

    @Test
    void aChecksumMismatchLeavesNothingVisibleAndKeepsTheOldFiles() throws IOException {
        StoreDatasetJob first = job(List.of(part("A", "x,y\n1,2\n"), part("test", "x,y\n7,8\n")));
        assertThat(jobs("A").store(first).ok()).isTrue();
        String before = Files.readString(dataDir.resolve("uploaded/A/data.csv"));

        DatasetPart a = part("A", "x,y\n100,200\n");
        DatasetPart test = part("test", "x,y\n300,400\n");
        // the stream carries other bytes than the marker sums up: a mangled chunk
        streams.put(test.stream(), List.of("x,y\n300,401\n"));
        JobReply reply = jobs("A").store(new StoreDatasetJob("uploaded", "u2", "y", List.of("x", "y"),
                List.of(a, test), 42, 0.3, 2000));

        assertThat(reply.status()).isEqualTo(ReplyStatus.FAILED);
        assertThat(reply.reason()).contains("SHA-256").contains("part test");
        assertThat(Files.readString(dataDir.resolve("uploaded/A/data.csv"))).as("shard A untouched").isEqualTo(before);
        assertThat(Files.readString(dataDir.resolve("uploaded/test/data.csv"))).isEqualTo("x,y\n7,8\n");
        assertThat(incoming()).as("no temporary files left").isEmpty();
    }

    @Test
    void aMissingRowOrAMissingStreamFailsTheStoreAndLeavesNoNewDataset() throws IOException {
        DatasetPart a = part("A", "x,y\n1,2\n3,4\n");
        streams.put(a.stream(), List.of("x,y\n1,2\n"));
        ends.put(a.stream(), new DatasetPartEnd("A", 2, a.bytes(), a.sha256()));
        JobReply reply = jobs("A").store(job(List.of(a, part("test", "x,y\n7,8\n"))));
        assertThat(reply.status()).isEqualTo(ReplyStatus.FAILED);
        assertThat(reply.reason()).contains("1 rows arrived, 2 were sent");
        JobReply gone = jobs("A").store(job(List.of(new DatasetPart("A", "s.none", 1, 1, "00"),
                part("test", "x,y\n7,8\n"))));
        assertThat(gone.status()).isEqualTo(ReplyStatus.FAILED);
        assertThat(dataDir.resolve("uploaded")).doesNotExist();
        assertThat(incoming()).isEmpty();
    }

    @Test
    void deleteRemovesTheFolderAndPresenceNoLongerListsIt() throws IOException {
        assertThat(jobs("A").store(job(List.of(part("A", "x,y\n1,2\n"), part("test", "x,y\n7,8\n")))).ok()).isTrue();
        Files.createDirectories(dataDir.resolve("by_hand/A"));
        Files.writeString(dataDir.resolve("by_hand/A/data.csv"), "x,y\n1,2\n");
        DatasetStore store = new DatasetStore(dataDir, "A");
        assertThat(store.list()).extracting(DatasetInfo::dataset).containsExactly("by_hand", "uploaded");
        DatasetInfo byHand = store.list().get(0);
        assertThat(byHand.uploaded()).isFalse();
        assertThat(byHand.shard()).isEqualTo("A");
        assertThat(byHand.rows()).isEqualTo(-1);

        JobReply deleted = jobs("A").delete(new DeleteDatasetJob("uploaded"));
        assertThat(deleted.ok()).isTrue();
        assertThat(deleted.reason()).isEqualTo("removed");
        assertThat(dataDir.resolve("uploaded")).doesNotExist();
        assertThat(store.list()).extracting(DatasetInfo::dataset).containsExactly("by_hand");
        assertThat(jobs("A").delete(new DeleteDatasetJob("uploaded")).reason()).isEqualTo("not held");
        assertThat(jobs("A").delete(new DeleteDatasetJob("../etc")).status()).isEqualTo(ReplyStatus.BAD_REQUEST);
    }

    private List<Path> incoming() throws IOException {
        Path dir = dataDir.resolve(DatasetStore.INCOMING);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
