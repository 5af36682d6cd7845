package org.mlensemble.api.datasets;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.mlensemble.api.gather.ScatterGather;
import org.mlensemble.api.membership.LearnerView;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.api.ensemble.EnsembleUnavailableException;
import org.mlensemble.api.ensemble.InvalidRequestException;
import org.mlensemble.api.system.ApiProperties;
import org.mlensemble.common.gather.Gather;
import org.mlensemble.common.gather.GatherResult;
import org.mlensemble.common.gather.Outcome;
import org.mlensemble.common.messaging.DatasetInfo;
import org.mlensemble.common.messaging.DatasetPart;
import org.mlensemble.common.messaging.DeleteDatasetJob;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Names;
import org.mlensemble.common.messaging.StoreDatasetJob;
import org.mlensemble.common.messaging.Topology;
import org.mlensemble.common.table.CsvReader;
import org.mlensemble.common.table.CsvWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads and deletes datasets. An upload is spooled and checked ({@link UploadSpool}), split
 * ({@link DatasetSplit}), carried part by part over broker streams ({@link DatasetStreams}), and
 * stored by the learners, who each answer a {@link StoreDatasetJob} for their own shard letter and
 * the test part. It is answered once every live learner has answered (or was lost, or the deadline
 * passed), so a fit sent right after a 200 finds the data on every replica.
 */
final class DatasetUploads implements Datasets {

    private static final Logger log = LoggerFactory.getLogger(DatasetUploads.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final DatasetStreams streams;
    private final ScatterGather scatterGather;
    private final Membership membership;
    private final DatasetCatalog catalog;
    private final Topology topology;
    private final Clock clock;
    private final ApiProperties.Datasets props;
    private final long jobLifetimeMs;
    private final MeterRegistry meters;
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

    /**
     * @param jobLifetimeMs how long a store job waits in the queue of a learner that is down: one
     *                      that comes back within it stores its part from the stream then
     */
    DatasetUploads(DatasetStreams streams, ScatterGather scatterGather, Membership membership, DatasetCatalog catalog,
            Topology topology, Clock clock, ApiProperties.Datasets props, long jobLifetimeMs, MeterRegistry meters) {
        this.streams = streams;
        this.scatterGather = scatterGather;
        this.membership = membership;
        this.catalog = catalog;
        this.topology = topology;
        this.clock = clock;
        this.props = props;
        this.jobLifetimeMs = jobLifetimeMs;
        this.meters = meters;
    }

    /** Checks the parameters before the body is read, so that a bad request costs no upload. */
    public static void checkParameters(String name, String target, double testFraction, Integer shards) {
        if (!Names.isSafeName(name)) {
            throw new InvalidRequestException("the dataset name must be 1-64 letters, digits, '_', '-' or '.', start with a"
                    + " letter or digit and hold no '..', got '" + name + "'");
        }
        if (target == null || target.isBlank()) {
            throw new InvalidRequestException("the query parameter 'target' must name the column to predict");
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new InvalidRequestException("testFraction must be between 0 and 1 (exclusive), got " + testFraction);
        }
        if (shards != null && (shards < 1 || shards > DatasetSplit.MAX_SHARDS)) {
            throw new InvalidRequestException("shards must be between 1 and " + DatasetSplit.MAX_SHARDS + ", got " + shards);
        }
    }

    @Override
    public List<DatasetView> all() {
        return catalog.all();
    }

    @Override
    public java.util.Optional<DatasetView> find(String name) {
        return catalog.find(name);
    }

    @Override
    public CompletableFuture<UploadOutcome> upload(UploadCommand c) {
        checkParameters(c.name(), c.target(), c.testFraction(), c.shards());
        int shards = c.shards() != null ? c.shards() : liveLetters().size();
        if (shards == 0) {
            throw new EnsembleUnavailableException("no learner alive: nobody could store the dataset");
        }
        if (!inProgress.add(c.name())) {
            throw new UploadInProgressException(c.name());
        }
        CompletableFuture<UploadOutcome> stored;
        try {
            stored = uploadExclusive(c, shards);
        } catch (RuntimeException | Error e) {
            inProgress.remove(c.name());
            throw e;
        }
        // the name stays taken until the learners have stored it: a second upload meanwhile would
        // delete the streams of this one while a slow replica still reads them
        return stored.whenComplete((outcome, failure) -> inProgress.remove(c.name()));
    }

    private CompletableFuture<UploadOutcome> uploadExclusive(UploadCommand c, int shards) {
        long started = clock.millis();
        Map<String, Integer> previous = catalog.uploads(c.name());
        UploadSpool.Spooled spooled = spool(c);
        long spooledAt = clock.millis();
        String uploadId = newUploadId(started);
        List<DatasetPart> parts;
        List<String> streamNames = new ArrayList<>();
        try {
            DatasetSplit split = checkSizes(spooled, c.testFraction(), shards, c.seed());
            List<String> missing = lettersWithoutLearner(shards);
            if (!missing.isEmpty()) {
                throw new EnsembleUnavailableException("no live learner holds shard(s) " + String.join(", ", missing)
                        + " of the " + shards + " requested; start learners for them or ask for fewer shards");
            }
            List<String> partNames = partNames(shards);
            partNames.forEach(p -> streamNames.add(topology.datasetStream(c.name(), uploadId, p)));
            parts = transport(spooled, split, partNames, streamNames);
        } catch (IOException e) {
            streams.delete(streamNames);
            meters.counter("ml.api.datasets.uploads", "outcome", "broker").increment();
            throw new EnsembleUnavailableException("the dataset could not be carried over the broker (" + e.getMessage()
                    + "); nothing was stored, retry shortly");
        } catch (RuntimeException e) {
            streams.delete(streamNames);
            throw e;
        } finally {
            deleteQuietly(spooled.file());
        }
        long streamedAt = clock.millis();
        long streamed = parts.stream().mapToLong(DatasetPart::bytes).sum();
        StoreDatasetJob job = new StoreDatasetJob(c.name(), uploadId, c.target(), spooled.header(), parts, c.seed(),
                c.testFraction(), started);
        Gather gather = new Gather(liveShards(), membership.live(), 1,
                Instant.ofEpochMilli(streamedAt + props.storeDeadline().toMillis()), clock, Gather.Mode.EVERY_LEARNER);
        long lifetime = Math.max(jobLifetimeMs, props.storeDeadline().toMillis());
        CompletableFuture<GatherResult> f;
        try {
            f = scatterGather.scatter(JobType.STORE_DATASET, MessageCodec.encode(job), gather, lifetime,
                    streamedAt + lifetime, true);
        } catch (ScatterGather.BrokerUnavailableException e) {
            streams.delete(streamNames);
            throw new EnsembleUnavailableException("The message broker is unreachable (" + e.getMessage() + "); nothing was"
                    + " stored, retry shortly.");
        }
        log.info("dataset {} upload {}: {} rows spooled in {} ms, {} parts streamed in {} ms", c.name(), uploadId,
                spooled.rows(), spooledAt - started, parts.size(), streamedAt - spooledAt);
        return f.thenApply(r -> {
            UploadOutcome outcome = outcome(job, spooled, r, parts, streamed,
                    new UploadOutcome.Timings(spooledAt - started, streamedAt - spooledAt,
                            clock.millis() - streamedAt, clock.millis() - started));
            meters.counter("ml.api.datasets.uploads", "outcome", "stored").increment();
            meters.counter("ml.api.datasets.rows").increment(spooled.rows());
            previous.forEach((oldId, oldShards) -> {
                if (!oldId.equals(uploadId)) {
                    streams.delete(partNames(oldShards).stream()
                            .map(p -> topology.datasetStream(c.name(), oldId, p)).toList());
                }
            });
            return outcome;
        });
    }

    @Override
    public CompletableFuture<DeleteOutcome> delete(String name) {
        if (!Names.isSafeName(name)) {
            throw new InvalidRequestException("the dataset name must be 1-64 letters, digits, '_', '-' or '.', got '"
                    + name + "'");
        }
        if (catalog.find(name).isEmpty()) {
            throw new UnknownDatasetException(name);
        }
        Map<String, Integer> uploads = catalog.uploads(name);
        long now = clock.millis();
        Gather gather = new Gather(liveShards(), membership.live(), 1,
                Instant.ofEpochMilli(now + props.storeDeadline().toMillis()), clock, Gather.Mode.EVERY_LEARNER);
        CompletableFuture<GatherResult> f;
        try {
            f = scatterGather.scatter(JobType.DELETE_DATASET, MessageCodec.encode(new DeleteDatasetJob(name)), gather,
                    props.storeDeadline().toMillis(), now + props.storeDeadline().toMillis(), false);
        } catch (ScatterGather.BrokerUnavailableException e) {
            throw new EnsembleUnavailableException("The message broker is unreachable (" + e.getMessage()
                    + "); retry shortly.");
        }
        return f.thenApply(r -> {
            List<String> names = new ArrayList<>();
            uploads.forEach((id, shards) -> partNames(shards).forEach(p -> names.add(topology.datasetStream(name, id, p))));
            streams.delete(names);
            meters.counter("ml.api.datasets.deletes").increment();
            List<String> failed = r.states().entrySet().stream().filter(e -> e.getValue() != Outcome.OK)
                    .map(Map.Entry::getKey).toList();
            return new DeleteOutcome(name, r.replies().stream().map(JobReply::learnerId).toList(), failed,
                    names.size());
        });
    }

    /** Every live learner with its shard: each stores (or deletes) what it holds of the dataset. */
    private Map<String, String> liveShards() {
        Set<String> live = membership.live();
        Map<String, String> out = new LinkedHashMap<>();
        membership.shards().forEach((learner, shard) -> {
            if (live.contains(learner)) {
                out.put(learner, shard);
            }
        });
        return out;
    }

    private UploadSpool.Spooled spool(UploadCommand c) {
        try {
            Path dir = props.spoolDir().isBlank() ? Path.of(System.getProperty("java.io.tmpdir"))
                    : Path.of(props.spoolDir());
            Files.createDirectories(dir);
            return UploadSpool.spool(c.body(), c.gzip(), c.target(), props.maxUploadBytes(), dir);
        } catch (UploadSpool.InvalidUpload | UploadSpool.TruncatedUpload e) {
            meters.counter("ml.api.datasets.uploads", "outcome", "rejected").increment();
            throw new InvalidRequestException(e.getMessage());
        } catch (UploadSpool.UploadTooLarge e) {
            meters.counter("ml.api.datasets.uploads", "outcome", "too_large").increment();
            throw new UploadTooLargeException(e.getMessage());
        } catch (UploadSpool.SpoolFailed e) {
            meters.counter("ml.api.datasets.uploads", "outcome", "spool_failed").increment();
            throw new EnsembleUnavailableException(e.getMessage() + "; nothing was stored, retry or free disk space on the api"
                    + " (ml.api.datasets.spool-dir)");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot spool the upload: " + e.getMessage(), e);
        }
    }

    private DatasetSplit checkSizes(UploadSpool.Spooled s, double testFraction, int shards, long seed) {
        int n = s.rows();
        int test = DatasetSplit.testRows(n, testFraction);
        int smallest = DatasetSplit.smallestShard(n - test, shards);
        int min = props.minRowsPerPart();
        if (test < min || smallest < min) {
            throw new InvalidRequestException(String.format("%d rows are too few for %d shard(s) and a test fraction of %s:"
                    + " the test set would get %d and the smallest shard %d rows, each needs at least %d", n, shards,
                    testFraction, test, smallest, min));
        }
        return DatasetSplit.of(n, testFraction, shards, seed);
    }

    /** Second pass over the spool file: every row to the stream of its part. */
    private List<DatasetPart> transport(UploadSpool.Spooled s, DatasetSplit split, List<String> partNames,
            List<String> streamNames) throws IOException {
        String headerLine = CsvWriter.line(s.header().toArray(String[]::new));
        byte[] partOfRow = split.partOfRow();
        try (DatasetStreams.Upload upload = streams.open(partNames, streamNames, headerLine);
                BufferedReader in = Files.newBufferedReader(s.file(), StandardCharsets.UTF_8)) {
            CsvReader.Records records = CsvReader.records(in, "the spooled upload");
            StringBuilder line = new StringBuilder(4096);
            String[] row;
            int i = 0;
            while ((row = records.next()) != null) {
                line.setLength(0);
                CsvWriter.appendLine(line, row);
                upload.append(partOfRow[i++], line);
            }
            if (i != s.rows()) {
                throw new IllegalStateException("spool file has " + i + " rows, expected " + s.rows());
            }
            return upload.finish();
        }
    }

    /** Per part, the learners whose reply confirms they hold exactly what was sent. */
    static Map<String, List<String>> confirmations(StoreDatasetJob job, List<JobReply> ok) {
        List<DatasetPart> parts = job.parts();
        Map<String, List<String>> confirmed = new LinkedHashMap<>();
        parts.forEach(p -> confirmed.put(p.part(), new ArrayList<>()));
        for (JobReply reply : ok) {
            DatasetInfo d = reply.dataset();
            if (d == null || !job.uploadId().equals(d.uploadId())) {
                continue;
            }
            for (DatasetPart p : parts) {
                boolean shardOk = p.part().equals(d.shard()) && p.sha256().equals(d.sha256());
                boolean testOk = StoreDatasetJob.TEST_PART.equals(p.part()) && p.sha256().equals(d.testSha256());
                if (shardOk || testOk) {
                    confirmed.get(p.part()).add(reply.learnerId());
                }
            }
        }
        return confirmed;
    }

    /** The parts no reply has confirmed yet. */
    static List<String> unconfirmed(StoreDatasetJob job, List<JobReply> ok) {
        return confirmations(job, ok).entrySet().stream().filter(e -> e.getValue().isEmpty())
                .map(Map.Entry::getKey).toList();
    }

    private UploadOutcome outcome(StoreDatasetJob job, UploadSpool.Spooled s, GatherResult r, List<DatasetPart> parts,
            long streamed, UploadOutcome.Timings timings) {
        Map<String, List<String>> confirmed = confirmations(job, r.replies());
        List<String> unconfirmed = unconfirmed(job, r.replies());
        if (!unconfirmed.isEmpty()) {
            meters.counter("ml.api.datasets.uploads", "outcome", "unconfirmed").increment();
            Set<String> reasons = new TreeSet<>();
            r.outcomes().forEach((learner, o) -> {
                if (r.states().get(learner) != Outcome.OK) {
                    reasons.add(learner + ": " + o);
                }
            });
            r.others().forEach(o -> reasons.add(o.learnerId() + ": " + o.reason()));
            throw new EnsembleUnavailableException("dataset '" + job.dataset() + "' (upload " + job.uploadId() + "): no learner"
                    + " confirmed part(s) " + String.join(", ", unconfirmed) + " before the deadline"
                    + (reasons.isEmpty() ? "" : "; " + String.join("; ", reasons))
                    + ". The parts stay on the broker until they expire, for learners that store them later.");
        }
        List<UploadOutcome.PartOutcome> shardOutcomes = new ArrayList<>();
        UploadOutcome.PartOutcome test = null;
        for (DatasetPart p : parts) {
            UploadOutcome.PartOutcome o = new UploadOutcome.PartOutcome(p.part(), p.rows(), p.sha256(),
                    List.copyOf(confirmed.get(p.part())));
            if (StoreDatasetJob.TEST_PART.equals(p.part())) {
                test = o;
            } else {
                shardOutcomes.add(o);
            }
        }
        return new UploadOutcome(job.dataset(), job.uploadId(), job.target(), s.rows(), s.header().size(),
                job.testFraction(), job.seed(), shardOutcomes, test, s.bodyBytes(), streamed, timings);
    }

    /** Distinct shard letters among live learners. */
    private Set<String> liveLetters() {
        Set<String> out = new LinkedHashSet<>();
        membership.learners().stream().filter(LearnerView::alive).forEach(l -> out.add(l.shard()));
        return out;
    }

    private List<String> lettersWithoutLearner(int shards) {
        Set<String> live = liveLetters();
        List<String> out = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            if (!live.contains(DatasetSplit.letter(k))) {
                out.add(DatasetSplit.letter(k));
            }
        }
        return out;
    }

    static List<String> partNames(int shards) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            out.add(DatasetSplit.letter(k));
        }
        out.add(StoreDatasetJob.TEST_PART);
        return out;
    }

    private static String newUploadId(long now) {
        return "u" + ID_TIME.format(Instant.ofEpochMilli(now)) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete spool file {}: {}", file, e.getMessage());
        }
    }
}
