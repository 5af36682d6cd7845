package org.mlensemble.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.ConnectionFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.PredictJob;

/** Runs the floor against the real broker the other integration tests use (127.0.0.1:5672). */
class BrokerFloorTest {

    private static Map<String, List<Object>> oneRow() {
        Map<String, List<Object>> row = new LinkedHashMap<>();
        row.put("LotArea", Arrays.asList(8450));
        row.put("Neighborhood", Arrays.asList("CollgCr"));
        row.put("Alley", Arrays.asList((Object) null));
        return row;
    }

    private static ConnectionFactory broker() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(System.getenv().getOrDefault("ML_RABBIT_HOST", "127.0.0.1"));
        f.setUsername("guest");
        f.setPassword("guest");
        return f;
    }

    @Test
    void bodiesAreThoseOfAOneRowPredict() {
        BrokerFloor.Bodies bodies = BrokerFloor.Bodies.ofOneRow(oneRow());

        PredictJob job = MessageCodec.decode(bodies.job(), PredictJob.class);
        assertThat(job.rows()).isEqualTo(1);
        assertThat(job.columns()).isEqualTo(oneRow());
        JobReply reply = MessageCodec.decode(bodies.reply(), JobReply.class);
        assertThat(reply.ok()).isTrue();
        assertThat(reply.predictions()).hasSize(1);
    }

    @Test
    void everyGatherCollectsOneReplyPerQueue() throws Exception {
        BrokerFloor floor = new BrokerFloor(broker(), BrokerFloor.Bodies.ofOneRow(oneRow()), 4, 8);

        BrokerFloor.Result r = floor.run(200, 1000);

        assertThat(r.gathers()).isPositive();
        assertThat(r.gathersPerSecond()).isEqualTo(r.gathers() / 1.0);
        assertThat(r.wrongReplies()).isZero();
        assertThat(r.requestBytes()).isEqualTo(BrokerFloor.Bodies.ofOneRow(oneRow()).job().length);
        assertThat(r.p50Ms()).isPositive().isLessThanOrEqualTo(r.p99Ms());
        assertThat(r.json()).contains("\"queues\":4", "\"inFlight\":8");
    }

    @Test
    void refusesAnEmptyTopology() {
        assertThrows(IllegalArgumentException.class,
                () -> new BrokerFloor(broker(), BrokerFloor.Bodies.ofOneRow(oneRow()), 0, 8));
    }
}
