package org.mlensemble.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mlensemble.common.messaging.FitJob;

class SolvedLinearMemberTest {

    @RegisterExtension
    static final HouseData data = new HouseData();

    @TempDir
    Path root;

    private final Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

    private Member train(String modelId, Map<String, Object> params) {
        FitJob job = Fixtures.job(modelId, 1_000, "linear", params, 7, "shard", true);
        return new MemberTrainer(clock).train(job, "learner-a", "A", data.shardA(), (phase, pct) -> { });
    }

    @Test
    void anExactMemberIsStoredAsItsWeightsAndPredictsIdenticallyWhenLoaded() throws IOException {
        Member solved = train("m-exact", Map.of("solver", "exact"));
        MemberStore store = new MemberStore(root);
        store.save(solved);

        assertThat(solved.model()).isInstanceOf(SolvedLinearRegression.class);
        assertThat(solved.info().provenance()).containsKeys("ridgeLambda", "ridgeGcv", "effectiveDf", "trainer");
        assertThat(solved.info().params()).containsEntry("solver", "exact");
        assertThat(solved.info().holdoutRmse()).isFinite();
        Path folder = store.folder("m-exact");
        assertThat(folder.resolve(SolvedLinearRegression.FILE)).isRegularFile();
        assertThat(folder.resolve(TribuoRegression.FILE)).doesNotExist();
        assertThat(Files.readString(folder.resolve(SolvedLinearRegression.FILE))).contains("\"lambda\"",
                SolvedLinearRegression.FORMAT, "\"intercept\"");

        MemberStore.Loaded loaded = new MemberStore(root).loadAll();

        assertThat(loaded.failures()).isEmpty();
        Member back = loaded.members().get(0);
        assertThat(back.info()).isEqualTo(solved.info());
        assertThat(back.linear()).isNotNull();
        double[] before = solved.predict(data.testColumns(), Fixtures.TEST_ROWS);
        double[] after = back.predict(data.testColumns(), Fixtures.TEST_ROWS);
        assertThat(Arrays.equals(before, after)).isTrue();
        // the column-major path and the encoded rows' path give the same sums
        double[] encoded = back.predictEncoded(back.encoding().encodeColumns(data.testColumns(), Fixtures.TEST_ROWS));
        assertThat(encoded).containsExactly(after, within(1e-9));
    }

    @Test
    void autoKeepsSgdOnAShardWithFewRowsPerFeatureAndThoseMembersStillLoad() {
        Member auto = train("m-auto", Map.of());
        Member sgd = train("m-sgd", Map.of("solver", "sgd"));
        MemberStore store = new MemberStore(root);
        store.save(auto);
        store.save(sgd);

        assertThat(auto.model()).isInstanceOf(TribuoRegression.class);
        assertThat(store.folder("m-auto").resolve(TribuoRegression.FILE)).isRegularFile();
        MemberStore.Loaded loaded = new MemberStore(root).loadAll();
        assertThat(loaded.failures()).isEmpty();
        for (Member m : loaded.members()) {
            Member original = m.info().modelId().equals("m-auto") ? auto : sgd;
            assertThat(Arrays.equals(m.predict(data.testColumns(), Fixtures.TEST_ROWS),
                    original.predict(data.testColumns(), Fixtures.TEST_ROWS))).isTrue();
        }
    }

    @Test
    void anExactFitPredictsAboutAsWellAsSgd() {
        Member exact = train("m-exact", Map.of("solver", "exact"));
        Member sgd = train("m-sgd", Map.of("solver", "sgd"));
        double[] actual = Fixtures.actuals(data.test());

        double exactR2 = r2(actual, exact.predict(data.testColumns(), Fixtures.TEST_ROWS));
        double sgdR2 = r2(actual, sgd.predict(data.testColumns(), Fixtures.TEST_ROWS));

        assertThat(exactR2).isGreaterThan(0.5).isGreaterThan(sgdR2 - 0.1);
    }

    @Test
    void aBootstrapRefitWithTheSameSeedPredictsTheSameBits() {
        FitJob job = Fixtures.job("m-boot", 1_000, "linear", Map.of("solver", "exact"), 7, "bootstrap", true);
        MemberTrainer trainer = new MemberTrainer(clock);
        Member first = trainer.train(job, "learner-a", "A", data.shardA(), (phase, pct) -> { });
        Member second = trainer.train(job, "learner-b", "A", data.shardA(), (phase, pct) -> { });

        assertThat(Arrays.equals(first.predict(data.testColumns(), Fixtures.TEST_ROWS),
                second.predict(data.testColumns(), Fixtures.TEST_ROWS))).isTrue();
        assertThat(first.info().provenance().get("ridgeLambda")).isEqualTo(second.info().provenance().get("ridgeLambda"));
    }

    @Test
    void aTamperedWeightsFileIsALoadFailureNotACrash() throws IOException {
        MemberStore store = new MemberStore(root);
        store.save(train("m-1", Map.of("solver", "exact")));
        Path file = store.folder("m-1").resolve(SolvedLinearRegression.FILE);
        String json = Files.readString(file);
        Files.writeString(file, json.replaceFirst("\"features\":\\[\"", "\"features\":[\"nonsense"),
                StandardCharsets.UTF_8);

        MemberStore.Loaded loaded = new MemberStore(root).loadAll();

        assertThat(loaded.members()).isEmpty();
        assertThat(loaded.failures()).singleElement().satisfies(f -> assertThat(f.reason())
                .contains("features its encoding does not produce"));
    }

    private static double r2(double[] actual, double[] predicted) {
        double mean = Arrays.stream(actual).average().orElseThrow();
        double sse = 0;
        double sst = 0;
        for (int i = 0; i < actual.length; i++) {
            sse += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            sst += (actual[i] - mean) * (actual[i] - mean);
        }
        return 1 - sse / sst;
    }
}
