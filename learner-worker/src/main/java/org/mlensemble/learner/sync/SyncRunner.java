package org.mlensemble.learner.sync;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.Topology;
import org.mlensemble.learner.system.SyncTopology;
import org.mlensemble.learner.training.Learner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the start-up sync on a thread of its own once the context starts, so that the job
 * consumers run meanwhile; presence announces this learner when it ends ({@link SyncState}).
 * Whatever happens, the sync ends: a failure is logged and the learner announces what it holds.
 */
@Component
class SyncRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);

    private final Learner learner;
    private final Holdings holdings;
    private final SyncState state;
    private final SyncProperties props;
    private final ConnectionFactory connections;
    private final Topology topology;
    private final SyncTopology syncTopology;
    private final Timer timer;
    private final Identities identities;
    private volatile Thread thread;
    private volatile boolean running;

    SyncRunner(Learner learner, Holdings holdings, SyncState state, SyncProperties props, ConnectionFactory connections,
            Topology topology, SyncTopology syncTopology, MeterRegistry meters, Identities identities) {
        this.identities = identities;
        this.syncTopology = syncTopology;
        this.learner = learner;
        this.holdings = holdings;
        this.state = state;
        this.props = props;
        this.connections = connections;
        this.topology = topology;
        this.timer = Timer.builder("ml.learner.sync").description("start-up sync from the replicas of the shard")
                .register(meters);
        FunctionCounter.builder("ml.learner.sync.fetched", state, SyncState::bytesFetched).baseUnit("bytes")
                .description("bytes copied from peers by the start-up sync").register(meters);
    }

    @Override
    public void start() {
        running = true;
        if (!props.enabled()) {
            syncTopology.bindShard();
            state.finish("off");
            return;
        }
        Thread t = new Thread(this::run, "replica-sync");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        long started = System.nanoTime();
        String outcome = "failed";
        try (AmqpSyncTransport transport = new AmqpSyncTransport(connections, topology, props, identities)) {
            ReplicaSync.Report r = new ReplicaSync(learner, holdings, transport, state, props.chunkBytes()).run();
            outcome = r.failures() == 0 ? "done" : "done with failures";
            log.info("sync {} in {} ms: {} peer(s), {} member(s) and {} dataset file(s) copied, {} bytes, {} failure(s)",
                    outcome, (System.nanoTime() - started) / 1_000_000, r.peers(), r.members(), r.files(), r.bytes(),
                    r.failures());
        } catch (InterruptedException e) {
            outcome = "stopped";
        } catch (IOException | AmqpException e) {
            log.warn("sync: cannot reach the peers ({}); announcing what this learner holds", e.getMessage());
        } catch (RuntimeException e) {
            log.error("sync failed; announcing what this learner holds", e);
        } finally {
            timer.record(Duration.ofNanos(System.nanoTime() - started));
            // from now on the replicas of the shard that start later may copy from this learner
            syncTopology.bindShard();
            state.finish(outcome);
        }
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Just before presence, which waits for it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
