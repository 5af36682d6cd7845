package org.mlensemble.api.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.common.messaging.ColumnSet;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MemberInfo;
import org.mlensemble.common.messaging.ModelRemoval;

/** The default model of a predict or an evaluate that names none, and the 404 of a removed model. */
class DefaultModelTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final List<String> AMES = List.of("GrLivArea", "Id", "Neighborhood", "SalePrice");
    private static final List<String> CARS = List.of("horsepower", "mpg", "weight");

    private final Membership membership = new Membership(CLOCK, Duration.ofSeconds(5), Duration.ofMinutes(5));

    @Test
    void predictTakesTheNewestModelWhoseColumnsAcceptTheRequestNotTheNewestOverall() {
        hear(List.of(member("m-ames-old", "ames", "SalePrice", 1_000), member("m-ames", "ames", "SalePrice", 2_000),
                member("m-cars", "cars", "mpg", 3_000)),
                List.of(new ColumnSet(AMES, List.of("m-ames", "m-ames-old")), new ColumnSet(CARS, List.of("m-cars"))));

        assertThat(DefaultModel.forPredict(membership.models(), Set.of("GrLivArea", "Neighborhood")).modelId())
                .isEqualTo("m-ames");
        assertThat(DefaultModel.forPredict(membership.models(), Set.of("weight")).modelId()).isEqualTo("m-cars");
    }

    @Test
    void aRequestThatFitsTheNewestModelsOfTwoDatasetsIsA409ListingThem() {
        hear(List.of(member("m-a", "ames", "SalePrice", 1_000), member("m-b", "ames_copy", "SalePrice", 2_000),
                member("m-b-old", "ames_copy", "SalePrice", 500)),
                List.of(new ColumnSet(AMES, List.of("m-a", "m-b", "m-b-old"))));

        AmbiguousModelException p = assertThrows(AmbiguousModelException.class,
                () -> DefaultModel.forPredict(membership.models(), Set.of("GrLivArea")));

        assertThat(p.candidates()).isEqualTo(List.of("m-b", "m-a"));
        assertThat(p.getMessage()).contains("m-b (ames_copy -> SalePrice, created 1970-01-01T00:00:02Z)");
    }

    @Test
    void aRequestNoModelAcceptsIsA400NamingTheUnknownColumns() {
        hear(List.of(member("m-ames", "ames", "SalePrice", 1_000)), List.of(new ColumnSet(AMES, List.of("m-ames"))));

        InvalidRequestException p = assertThrows(InvalidRequestException.class,
                () -> DefaultModel.forPredict(membership.models(), Set.of("GrLivArea", "horsepower")));

        assertThat(p.getMessage()).contains("unknown column(s) horsepower: no model was trained on them");
    }

    @Test
    void evaluateTakesTheNewestModelOfTheDatasetAskedForAndIsAmbiguousWithoutOne() {
        hear(List.of(member("m-ames", "ames", "SalePrice", 1_000), member("m-cars", "cars", "mpg", 2_000)), List.of());

        assertThat(DefaultModel.forEvaluate(membership.models(), "ames").modelId()).isEqualTo("m-ames");
        AmbiguousModelException p = assertThrows(AmbiguousModelException.class,
                () -> DefaultModel.forEvaluate(membership.models(), null));
        assertThat(p.candidates()).isEqualTo(List.of("m-cars", "m-ames"));
        assertThat(assertThrows(NoModelException.class, () -> DefaultModel.forEvaluate(membership.models(), "boston"))
                .getMessage()).contains("No model of dataset 'boston' exists");
    }

    @Test
    void withOneDatasetTheNewestModelIsTheDefaultAndModelsOfUnknownColumnsAreCandidates() {
        hear(List.of(member("m-1", "ames", "SalePrice", 1_000), member("m-2", "ames", "SalePrice", 2_000)), List.of());

        assertThat(DefaultModel.forEvaluate(membership.models(), null).modelId()).isEqualTo("m-2");
        assertThat(DefaultModel.forPredict(membership.models(), Set.of("anything")).modelId()).isEqualTo("m-2");
    }

    @Test
    void noModelAtAllIsTheNoModelYetConflict() {
        NoModelException p = assertThrows(NoModelException.class, () -> DefaultModel.forPredict(List.of(), Set.of("a")));
        assertThat(p.getMessage()).startsWith("No model has been trained yet");
    }

    @Test
    void aRemovedModelIsExplainedWithItsCauseAndTimeUntilALearnerHoldsItAgain() {
        long at = Instant.parse("2026-12-01T09:30:00Z").toEpochMilli();
        membership.onHeartbeat(new Heartbeat("learner-1", "A", "i-1", 1, 0, List.of(), List.of(), false, 0, List.of(),
                List.of(), List.of(new ModelRemoval("m-old", ModelRemoval.RETENTION_COUNT, at)), List.of()));

        ModelRemovedException p = new ModelRemovedException(membership.removal("m-old").orElseThrow());

        assertThat(p.getMessage()).contains("removed by retention", "2026-12-01T09:30:00Z");
        assertThat(p.removal().cause()).isEqualTo("retention-count");
        assertThat(p.removedAt()).isEqualTo("2026-12-01T09:30:00Z");
        assertThat(membership.removal("m-never")).isEmpty();

        membership.onHeartbeat(new Heartbeat("learner-2", "B", "i-2", 1, 0,
                List.of(member("m-old", "ames", "SalePrice", 1)), List.of(), false, 0));
        assertThat(membership.removal("m-old")).as("a replica still holds it").isEmpty();
    }

    @Test
    void aModelIsPinnedWhenAHolderSaysSo() {
        membership.onHeartbeat(new Heartbeat("learner-1", "A", "i-1", 1, 0,
                List.of(member("m-1", "ames", "SalePrice", 1)), List.of(), false, 0, List.of(), List.of("m-1"),
                List.of(), List.of()));

        assertThat(membership.model("m-1").orElseThrow().pinned()).isTrue();
    }

    private void hear(List<MemberInfo> members, List<ColumnSet> sets) {
        membership.onHeartbeat(new Heartbeat("learner-1", "A", "i-1", 1, 0, members, List.of(), false, 0, List.of(),
                List.of(), List.of(), sets));
    }

    private static MemberInfo member(String modelId, String dataset, String target, long createdAt) {
        return new MemberInfo(modelId, "learner-1", "A", dataset, target, "linear", Map.of(), 7, "shard", createdAt,
                createdAt + 10, 100, 10, 5, Double.NaN, Map.of());
    }
}
