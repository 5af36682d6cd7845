package org.mlensemble.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import org.mlensemble.common.learning.RequestDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code mlctl dataset upload|list|show|delete}: datasets uploaded through the api. */
@Command(name = "dataset", description = "upload a CSV as a dataset, list, show or delete datasets",
        customSynopsis = {"mlctl dataset upload FILE --target COLUMN [--name NAME] [--test-fraction F]",
            "                              [--seed N] [--shards N]",
            "       mlctl dataset list",
            "       mlctl dataset show NAME",
            "       mlctl dataset delete NAME"},
        subcommands = {DatasetCommand.Upload.class, DatasetCommand.ListAll.class, DatasetCommand.Show.class,
            DatasetCommand.Delete.class},
        footer = {"", "upload streams a CSV file (header line first) to the service, gzip-compressed on",
            "the way (a FILE ending in .gz is sent as it is). The api checks it, shuffles it",
            "with the seed, keeps --test-fraction of the rows as the labelled test set and",
            "cuts the rest into one shard per letter A, B, ...; each learner stores its own",
            "shard and the test set. Progress (bytes and rows sent) goes to stderr. Then fit",
            "with: mlctl fit --dataset NAME --target COLUMN.", "",
            "list shows every dataset the learners hold (uploaded or placed in their data",
            "folder by hand), show one with its shards and which learners hold each, and",
            "delete removes it from every learner and the broker.", "",
            "Examples:",
            "  mlctl dataset upload houses.csv --target SalePrice",
            "  mlctl dataset upload sales.csv.gz --target amount --name sales --shards 2",
            "  mlctl dataset show houses"})
final class DatasetCommand implements Callable<Integer> {

    static final String PATH = "/v1/ml-distributed/datasets";
    static final Duration SHORT = Duration.ofSeconds(30);
    /** The whole upload: sending, streaming to the learners, their confirmations. */
    static final Duration UPLOAD = Duration.ofMinutes(30);

    @Override
    public Integer call() {
        throw CliError.usage("dataset needs a subcommand: upload, list, show or delete");
    }

    @Command(name = "upload", description = "upload a CSV file as a dataset",
            customSynopsis = "mlctl dataset upload FILE --target COLUMN [--name NAME] [--test-fraction F] "
                    + "[--seed N] [--shards N]")
    static final class Upload extends ApiCommand {

        @Parameters(paramLabel = "FILE", description = "a CSV file with a header line, or such a file gzipped (.gz)")
        Path file;

        @Option(names = "--target", paramLabel = "COLUMN", required = true,
                description = "the column to predict; every row needs a number there")
        String target;

        @Option(names = "--name", paramLabel = "NAME", description = "the dataset's name [the file name without extension]")
        String name;

        @Option(names = "--test-fraction", paramLabel = "F",
                description = "share of the rows kept for evaluation, in (0,1) [0.3]")
        Double testFraction;

        @Option(names = "--seed", paramLabel = "N", description = "seed of the shuffle [" + RequestDefaults.SEED + "]")
        Long seed;

        @Option(names = "--shards", paramLabel = "N",
                description = "how many training shards [one per shard letter among the live learners]")
        Long shards;

        @Override
        int run(Session s) throws ApiClient.Unreachable {
            return upload(this, s);
        }
    }

    @Command(name = "list", description = "every dataset the learners hold", customSynopsis = "mlctl dataset list")
    static final class ListAll extends ApiCommand {
        @Override
        int run(Session s) throws ApiClient.Unreachable {
            return list(s);
        }
    }

    /** A subcommand about one dataset, named by its one argument. */
    abstract static class Named extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "the dataset")
        String name;
    }

    @Command(name = "show", description = "one dataset, its shards and who holds each",
            customSynopsis = "mlctl dataset show NAME")
    static final class Show extends Named {
        @Override
        int run(Session s) throws ApiClient.Unreachable {
            return show(s, name);
        }
    }

    @Command(name = "delete", description = "remove a dataset from every learner and the broker",
            customSynopsis = "mlctl dataset delete NAME")
    static final class Delete extends Named {
        @Override
        int run(Session s) throws ApiClient.Unreachable {
            return delete(s, name);
        }
    }

    private static int upload(Upload o, Session s) throws ApiClient.Unreachable {
        Path file = o.file;
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw CliError.usage("cannot read " + file);
        }
        if (o.target.isBlank()) {
            throw CliError.usage("upload needs --target COLUMN");
        }
        boolean gzipped = file.getFileName().toString().endsWith(".gz");
        String name = o.name != null ? o.name : defaultName(file);
        StringBuilder query = new StringBuilder("?target=").append(enc(o.target));
        if (o.testFraction != null) {
            double f = o.testFraction;
            if (!(f > 0 && f < 1)) {
                throw CliError.usage("--test-fraction must be between 0 and 1, got " + f);
            }
            query.append("&testFraction=").append(f);
        }
        if (o.seed != null) {
            query.append("&seed=").append(o.seed);
        }
        if (o.shards != null) {
            query.append("&shards=").append(o.shards);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw CliError.usage("cannot read " + file + ": " + e.getMessage());
        }
        UploadProgress progress = new UploadProgress(s.err(), s.terminal(), file.getFileName().toString(), size,
                !gzipped, s.clock());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/csv");
        headers.put("Content-Encoding", "gzip");
        ApiClient.Response r = s.client().sendBody("POST", PATH + "/" + enc(name) + query, () -> {
            progress.restart();
            return HttpRequest.BodyPublishers.ofInputStream(() -> gzipped ? counted(file, progress)
                    : compressed(file, progress));
        }, headers, UPLOAD);
        progress.finish();
        JsonNode a = s.require(r, "dataset upload");
        if (s.json()) {
            s.out().println(r.body().strip());
            return Exit.OK;
        }
        s.out().printf("uploaded %s (upload %s): %d rows, %d columns, target %s, seed %s, test fraction %s%n",
                Json.text(a, "dataset"), Json.text(a, "uploadId"), Json.longValue(a, "rows", 0),
                Json.longValue(a, "columns", 0), Json.text(a, "target"), Table.cell(Json.number(a, "seed")),
                Table.cell(Json.number(a, "testFraction")));
        Table t = new Table("PART", "ROWS", "SHA256", "LEARNERS");
        for (JsonNode part : a.path("shards")) {
            partRow(t, part);
        }
        partRow(t, a.path("test"));
        s.out().print(t.render());
        JsonNode timings = a.path("timings");
        s.out().printf("sent %d bytes; checked in %d ms, streamed in %d ms, stored in %d ms (%d ms in all)%n",
                Json.longValue(a, "bodyBytes", 0), Json.longValue(timings, "spoolMs", 0),
                Json.longValue(timings, "streamMs", 0), Json.longValue(timings, "storeMs", 0),
                Json.longValue(timings, "totalMs", 0));
        return Exit.OK;
    }

    private static void partRow(Table t, JsonNode part) {
        String sha = Json.text(part, "sha256");
        t.row(Json.text(part, "part"), Json.number(part, "rows"), sha == null ? null : sha.substring(0, 12),
                String.join(",", Json.strings(part.get("learners"))));
    }

    private static int list(Session s) throws ApiClient.Unreachable {
        ApiClient.Response r = s.client().get(PATH, SHORT);
        JsonNode all = s.require(r, "datasets");
        if (s.json()) {
            s.out().println(r.body().strip());
            return Exit.OK;
        }
        if (all.isEmpty()) {
            s.out().println("no dataset: upload one with mlctl dataset upload FILE --target COLUMN");
            return Exit.OK;
        }
        Table t = new Table("NAME", "SOURCE", "TARGET", "SHARDS", "ROWS", "TEST", "REPLICAS", "UPLOADED");
        for (JsonNode d : all) {
            long rows = 0;
            boolean known = true;
            for (JsonNode sh : d.path("shards")) {
                long n = Json.longValue(sh, "rows", -1);
                known &= n >= 0;
                rows += Math.max(0, n);
            }
            long test = Json.longValue(d.path("test"), "rows", -1);
            boolean uploaded = d.path("uploaded").asBoolean(false);
            t.row(Json.text(d, "name"), uploaded ? "upload" : "folder", Json.text(d, "target"),
                    d.path("shards").size(), known && uploaded ? rows : null, test >= 0 ? test : null,
                    Json.number(d, "replicas"), uploaded ? Json.time(Json.longValue(d, "createdAt", 0)) : null);
        }
        s.out().print(t.render());
        return Exit.OK;
    }

    private static int show(Session s, String name) throws ApiClient.Unreachable {
        ApiClient.Response r = s.client().get(PATH + "/" + enc(name), SHORT);
        JsonNode d = s.require(r, "dataset " + name);
        if (s.json()) {
            s.out().println(r.body().strip());
            return Exit.OK;
        }
        boolean uploaded = d.path("uploaded").asBoolean(false);
        s.out().printf("dataset %s: %s%n", Json.text(d, "name"), uploaded
                ? "upload " + Json.text(d, "uploadId") + " of " + Json.time(Json.longValue(d, "createdAt", 0))
                        + ", target " + Json.text(d, "target") + ", seed " + Table.cell(Json.number(d, "seed"))
                        + ", test fraction " + Table.cell(Json.number(d, "testFraction")) + ", "
                        + Json.longValue(d, "columns", 0)
                        + " columns"
                : "placed in the learners' data folder by hand");
        Table t = new Table("PART", "ROWS", "SHA256", "LIVE", "LEARNERS");
        for (JsonNode sh : d.path("shards")) {
            String sha = Json.text(sh, "sha256");
            long rows = Json.longValue(sh, "rows", -1);
            t.row(Json.text(sh, "shard"), rows >= 0 ? rows : null, sha == null ? null : sha.substring(0, 12),
                    sh.path("liveLearners").size(), String.join(",", Json.strings(sh.get("learners"))));
        }
        JsonNode test = d.path("test");
        String sha = Json.text(test, "sha256");
        long rows = Json.longValue(test, "rows", -1);
        t.row("test", rows >= 0 ? rows : null, sha == null ? null : sha.substring(0, 12), null,
                String.join(",", Json.strings(test.get("learners"))));
        s.out().print(t.render());
        s.out().printf("replicas: %s (live holders of the least-held shard)%n", Json.number(d, "replicas"));
        return Exit.OK;
    }

    private static int delete(Session s, String name) throws ApiClient.Unreachable {
        ApiClient.Response r = s.client().send("DELETE", PATH + "/" + enc(name), null, Map.of(), SHORT);
        JsonNode o = s.require(r, "dataset delete");
        if (s.json()) {
            s.out().println(r.body().strip());
            return Exit.OK;
        }
        List<String> missing = Json.strings(o.get("missing"));
        s.out().printf("deleted %s: removed by %s; %d broker stream(s) deleted%s%n", name,
                String.join(",", Json.strings(o.get("removedBy"))), Json.longValue(o, "streams", 0),
                missing.isEmpty() ? "" : "; not confirmed by " + String.join(",", missing));
        return Exit.OK;
    }

    static String defaultName(Path file) {
        String n = file.getFileName().toString();
        for (String ext : List.of(".gz", ".csv", ".txt")) {
            if (n.endsWith(ext)) {
                n = n.substring(0, n.length() - ext.length());
            }
        }
        return n;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The file as it is, counted for the progress. */
    private static InputStream counted(Path file, UploadProgress progress) {
        try {
            return new Counting(Files.newInputStream(file), progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file gzip-compressed by a background thread as the request reads it. */
    private static InputStream compressed(Path file, UploadProgress progress) {
        try {
            PipedInputStream in = new PipedInputStream(1 << 16);
            PipedOutputStream pipe = new PipedOutputStream(in);
            Thread t = new Thread(() -> {
                try (InputStream src = new Counting(Files.newInputStream(file), progress);
                        OutputStream gz = new GZIPOutputStream(pipe, 1 << 16)) {
                    src.transferTo(gz);
                } catch (IOException e) {
                    // the request ended (the server answered early, or the connection broke): stop
                }
            }, "mlctl-gzip");
            t.setDaemon(true);
            t.start();
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts bytes and line breaks read from the file. */
    private static final class Counting extends FilterInputStream {
        private final UploadProgress progress;

        Counting(InputStream in, UploadProgress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.add(1, b == '\n' ? 1 : 0);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                int lines = 0;
                for (int i = off; i < off + n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
                progress.add(n, lines);
            }
            return n;
        }
    }
}
