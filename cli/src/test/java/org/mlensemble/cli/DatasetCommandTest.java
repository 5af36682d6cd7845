package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** mlctl dataset against a fake api. */
class DatasetCommandTest extends FakeApiTest {

    private static final String DATASETS = "/v1/ml-distributed/datasets";
    private static final String UPLOADED = "{\"dataset\":\"houses\",\"uploadId\":\"u1\",\"target\":\"price\",\"rows\":4,"
            + "\"columns\":2,\"testFraction\":0.5,\"seed\":7,\"shards\":[{\"part\":\"A\",\"rows\":2,"
            + "\"sha256\":\"abcdef0123456789\",\"learners\":[\"learner-1\",\"learner-5\"]}],\"test\":{\"part\":\"test\","
            + "\"rows\":2,\"sha256\":\"9876543210fedcba\",\"learners\":[\"learner-1\"]},\"bodyBytes\":40,"
            + "\"streamedBytes\":50,\"timings\":{\"spoolMs\":1,\"streamMs\":2,\"storeMs\":3,\"totalMs\":6}}";

    @Test
    void uploadSendsTheFileGzippedWithItsOptionsAndShowsWhoHoldsEachPart() throws Exception {
        server.on(DATASETS + "/houses", r -> TestServer.json(200, UPLOADED));
        Path csv = dir.resolve("houses.csv");
        String content = "x,price\n1,10\n2,20\n3,30\n4,40\n";
        Files.writeString(csv, content);

        Cli.Result r = cli.run("--url", server.url(), "dataset", "upload", csv.toString(), "--target", "price",
                "--test-fraction", "0.5", "--seed", "7", "--shards", "1");

        assertThat(r.code()).as(r.err()).isZero();
        TestServer.Request sent = server.requests(DATASETS + "/houses").get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.query()).isEqualTo("target=price&testFraction=0.5&seed=7&shards=1");
        assertThat(sent.headers().getFirst("Content-Type")).isEqualTo("text/csv");
        assertThat(sent.headers().getFirst("Content-Encoding")).isEqualTo("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(sent.raw()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(content);
        }
        assertThat(r.out()).contains("uploaded houses (upload u1): 4 rows, 2 columns")
                .contains("A        2  abcdef012345  learner-1,learner-5")
                .contains("test     2  9876543210fe  learner-1");
        assertThat(r.err()).contains("upload houses.csv: 0.0 MB of 0.0 MB (100%), 4 rows");
    }

    @Test
    void aRejectedUploadExitsWithTheServersReasonAndAMissingTargetIsAUsageError() throws Exception {
        server.on(DATASETS + "/bad", r -> TestServer.problem(400, "Bad request", "the upload line 3: 1 cells, header has 2"));
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "x,price\n1,2\n3\n");

        Cli.Result r = cli.run("--url", server.url(), "dataset", "upload", csv.toString(), "--target", "price");
        assertThat(r.code()).isEqualTo(Exit.REJECTED);
        assertThat(r.err()).contains("line 3: 1 cells");

        Cli.Result noTarget = cli.run("--url", server.url(), "dataset", "upload", csv.toString());
        assertThat(noTarget.code()).isEqualTo(Exit.USAGE);
        assertThat(noTarget.err()).contains("--target");
        Cli.Result noFile = cli.run("--url", server.url(), "dataset", "upload", dir.resolve("none.csv").toString(),
                "--target", "p");
        assertThat(noFile.code()).isEqualTo(Exit.USAGE);
        assertThat(server.requests(DATASETS + "/none")).isEmpty();
    }

    @Test
    void listShowAndDeleteAskTheApi() {
        server.on(DATASETS, r -> TestServer.json(200, "[{\"name\":\"houses\",\"uploaded\":true,\"target\":\"price\","
                + "\"createdAt\":0,\"shards\":[{\"shard\":\"A\",\"rows\":2,\"learners\":[\"learner-1\"],"
                + "\"liveLearners\":[\"learner-1\"]}],\"test\":{\"rows\":2,\"learners\":[\"learner-1\"]},\"replicas\":1},"
                + "{\"name\":\"house_pricing\",\"uploaded\":false,\"shards\":[{\"shard\":\"A\",\"rows\":-1,"
                + "\"learners\":[\"learner-1\"],\"liveLearners\":[]}],\"test\":{\"rows\":-1,\"learners\":[]},\"replicas\":0}]"));
        Cli.Result list = cli.run("--url", server.url(), "dataset", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("houses").contains("upload").contains("house_pricing").contains("folder");

        server.on(DATASETS + "/houses", r -> r.method().equals("DELETE")
                ? TestServer.json(200, "{\"dataset\":\"houses\",\"removedBy\":[\"learner-1\"],\"missing\":[],\"streams\":2}")
                : TestServer.json(200, "{\"name\":\"houses\",\"uploaded\":true,\"uploadId\":\"u1\",\"target\":\"price\","
                        + "\"seed\":7,\"testFraction\":0.5,\"createdAt\":0,\"columns\":2,\"shards\":[{\"shard\":\"A\","
                        + "\"rows\":2,\"sha256\":\"abcdef0123456789\",\"learners\":[\"learner-1\"],"
                        + "\"liveLearners\":[\"learner-1\"]}],\"test\":{\"rows\":2,\"learners\":[\"learner-1\"]},"
                        + "\"replicas\":1}"));
        Cli.Result show = cli.run("--url", server.url(), "dataset", "show", "houses");
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("dataset houses: upload u1").contains("abcdef012345").contains("replicas: 1");
        Cli.Result del = cli.run("--url", server.url(), "dataset", "delete", "houses");
        assertThat(del.code()).isZero();
        assertThat(del.out()).contains("deleted houses: removed by learner-1; 2 broker stream(s) deleted");

        assertThat(cli.run("--url", server.url(), "dataset").code()).isEqualTo(Exit.USAGE);
        assertThat(cli.run("--url", server.url(), "dataset", "list", "--target", "x").code()).isEqualTo(Exit.USAGE);
    }
}
