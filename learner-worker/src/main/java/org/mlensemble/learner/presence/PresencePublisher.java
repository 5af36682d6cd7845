package org.mlensemble.learner.presence;

import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import org.mlensemble.common.messaging.Heartbeat;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Topology;
import org.mlensemble.learner.sync.SyncProperties;
import org.mlensemble.learner.sync.SyncState;
import org.mlensemble.learner.datasets.DatasetStore;
import org.mlensemble.learner.system.LearnerProperties;
import org.mlensemble.learner.training.Learner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Publishes this learner's heartbeat to the presence fanout. The heartbeat is the only state the
 * api instances have, so it carries the members held and the fits in progress. On graceful
 * shutdown a last heartbeat says the learner is leaving.
 * <p>
 * The first heartbeat waits for the start-up sync from the replicas of the shard: a learner that
 * joins late is waited for by the api from its first heartbeat on, so it must hold its shard's
 * members by then. A sync that takes longer than {@code ml.learner.sync.announce-timeout} does not
 * keep the learner out for ever: it announces what it holds, with a warning.
 */
@Component
public class PresencePublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PresencePublisher.class);

    private final Learner learner;
    private final RabbitTemplate rabbit;
    private final Topology topology;
    private final LearnerProperties props;
    private final TaskScheduler scheduler;
    private final SyncState sync;
    private final SyncProperties syncProps;
    private final Clock clock;
    private final DatasetStore datasets;
    private volatile ScheduledFuture<?> task;
    private volatile boolean brokerDown;
    private volatile long startedAt;
    private volatile boolean announced;

    PresencePublisher(Learner learner, RabbitTemplate rabbit, Topology topology, LearnerProperties props,
            TaskScheduler scheduler, SyncState sync, SyncProperties syncProps, Clock clock, DatasetStore datasets) {
        this.sync = sync;
        this.syncProps = syncProps;
        this.clock = clock;
        this.datasets = datasets;
        this.learner = learner;
        this.rabbit = rabbit;
        this.topology = topology;
        this.props = props;
        this.scheduler = scheduler;
    }

    /**
     * Publishes a heartbeat now instead of at the next tick: after a fit, so that the api
     * instances know the new member before its fit is answered (a client that predicts right after
     * its fit must not be told to fit first).
     */
    public void announce() {
        publish(false);
    }

    void publish(boolean leaving) {
        if (!leaving && !mayAnnounce()) {
            return;
        }
        Heartbeat hb = learner.heartbeat(leaving);
        try {
            hb = hb.withDatasets(datasets.list());
        } catch (RuntimeException e) {
            log.debug("cannot list the dataset folders: {}", e.toString());
        }
        MessageProperties mp = new MessageProperties();
        mp.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        // a heartbeat older than two intervals is noise
        mp.setExpiration(Long.toString(props.heartbeatInterval().toMillis() * 2));
        try {
            rabbit.send(topology.presenceExchange(), "", new Message(MessageCodec.encode(hb), mp));
            if (brokerDown) {
                log.info("presence heartbeats flowing again");
                brokerDown = false;
            }
        } catch (AmqpException e) {
            if (!brokerDown) {
                log.warn("cannot publish presence: {}", e.getMessage());
                brokerDown = true;
            }
        }
    }

    private boolean mayAnnounce() {
        if (announced) {
            return true;
        }
        if (sync.isDone()) {
            announced = true;
        } else if (clock.millis() - startedAt > syncProps.announceTimeout().toMillis()) {
            log.warn("the start-up sync has not ended after {}; announcing what this learner holds ({})",
                    syncProps.announceTimeout(), sync.progressLine());
            announced = true;
        }
        return announced;
    }

    @Override
    public void start() {
        startedAt = clock.millis();
        sync.whenDone(this::announce);
        task = scheduler.scheduleAtFixedRate(() -> {
            learner.enforceRetention();
            publish(false);
        }, props.heartbeatInterval());
    }

    @Override
    public void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
            task = null;
            publish(true);
        }
    }

    @Override
    public boolean isRunning() {
        return task != null;
    }

    /** Stop before the listener containers, so the api stops counting on us first. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
