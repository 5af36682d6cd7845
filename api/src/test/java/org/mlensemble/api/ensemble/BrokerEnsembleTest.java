package org.mlensemble.api.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlensemble.api.gather.ScatterGather;
import org.mlensemble.api.membership.Heartbeats;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.common.messaging.Topology;

/**
 * What the ensemble decides before it sends anything. The connection factory points at a port
 * nothing listens on: these requests must be refused without ever reaching a broker.
 */
class BrokerEnsembleTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Clock clock = Clock.systemUTC();
    private final Membership membership = new Membership(clock, Duration.ofSeconds(5), Duration.ofMinutes(5));
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final ScatterGather scatterGather;
    private final BrokerEnsemble ensemble;

    BrokerEnsembleTest() {
        ConnectionFactory nowhere = new ConnectionFactory();
        nowhere.setPort(1);
        scatterGather = new ScatterGather(nowhere, new Topology("test"), 1, clock, meters);
        ensemble = new BrokerEnsemble(scatterGather, membership, clock, Duration.ofMinutes(1), meters,
                new PredictBatcher.Settings(false, 1, 100, Duration.ofSeconds(1)), executor);
        // three learners, two shards: A has two replicas
        membership.onHeartbeat(Heartbeats.of("learner-1", "A", "i-1", 1, "m-1"));
        membership.onHeartbeat(Heartbeats.of("learner-2", "B", "i-2", 1, "m-1"));
        membership.onHeartbeat(Heartbeats.of("learner-3", "A", "i-3", 1, "m-1"));
    }

    @AfterEach
    void close() {
        scatterGather.close();
        executor.shutdownNow();
    }

    @Test
    void predictWithAQuorumAboveTheModelsShardCountIsABadRequestNamingTheShards() {
        InvalidRequestException p = assertThrows(InvalidRequestException.class, () -> ensemble.predict(
                new PredictCommand("m-1", Map.of("a", List.of(1)), 1, Duration.ofSeconds(1), 3, false)));

        assertThat(p.getMessage()).contains("quorum 3", "2 members (shards)", "m-1");
    }

    @Test
    void evaluateWithAQuorumAboveTheModelsShardCountIsABadRequest() {
        InvalidRequestException p = assertThrows(InvalidRequestException.class,
                () -> ensemble.evaluate(new EvaluateCommand("m-1", Duration.ofSeconds(1), 99, false)));

        assertThat(p.getMessage()).contains("quorum 99", "2 members (shards)");
    }

    @Test
    void fitWithAQuorumAboveTheClustersShardCountIsABadRequest() {
        InvalidRequestException p = assertThrows(InvalidRequestException.class, () -> ensemble.fit(new FitCommand("house", "SalePrice",
                "linear", Map.of(), 7, null, false, false, Map.of(), List.of(), Duration.ofSeconds(1), 3, null,
                false)));

        assertThat(p.getMessage()).contains("quorum 3", "2 members (shards)");
        assertThat(meters.find("ml.api.replies.hedged").counter()).isNotNull()
                .satisfies(c -> assertThat(c.count()).isZero());
    }

    @Test
    void deletingOrPinningAnUnknownModelIsA404BeforeAnythingIsSent() {
        assertThat(assertThrows(UnknownModelException.class, () -> ensemble.delete("m-nope")).modelId())
                .isEqualTo("m-nope");
        assertThat(assertThrows(UnknownModelException.class, () -> ensemble.pin("m-nope", true)).modelId())
                .isEqualTo("m-nope");
    }
}
