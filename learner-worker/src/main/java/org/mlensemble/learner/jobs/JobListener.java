package org.mlensemble.learner.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.mlensemble.common.messaging.DeleteDatasetJob;
import org.mlensemble.common.messaging.DeleteModelJob;
import org.mlensemble.common.messaging.EvaluateJob;
import org.mlensemble.common.messaging.FitJob;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.Identities;
import org.mlensemble.common.messaging.JobReply;
import org.mlensemble.common.messaging.JobReplyCodec;
import org.mlensemble.common.messaging.JobType;
import org.mlensemble.common.messaging.MalformedMessageException;
import org.mlensemble.common.messaging.MessageCodec;
import org.mlensemble.common.messaging.Names;
import org.mlensemble.common.messaging.PinModelJob;
import org.mlensemble.common.messaging.PrepareJointJob;
import org.mlensemble.common.messaging.PredictJob;
import org.mlensemble.common.messaging.PredictJobCodec;
import org.mlensemble.common.messaging.ReplyStatus;
import org.mlensemble.common.messaging.StoreDatasetJob;
import org.mlensemble.learner.datasets.DatasetJobs;
import org.mlensemble.learner.presence.PresencePublisher;
import org.mlensemble.learner.sync.SyncProperties;
import org.mlensemble.learner.sync.SyncState;
import org.mlensemble.learner.system.LearnerProperties;
import org.mlensemble.learner.training.Learner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Thin adapter from job messages to {@link Learner} calls and back to direct replies. A message it
 * cannot read, or of a protocol version ({@link Headers#PROTOCOL}) other than its own, is rejected
 * without requeue, which dead-letters it; the learner goes on serving. So is
 * a job whose {@code user_id} (checked by the broker against the publisher's login) is not an api
 * user: any login that may publish to the default exchange, a learner's included, can put a message
 * into this queue, and only the api may make a learner train, predict or delete.
 */
@Component
class JobListener {

    static final String LISTENER_ID = "jobs";
    private static final Logger log = LoggerFactory.getLogger(JobListener.class);

    private final Learner learner;
    private final RabbitTemplate rabbit;
    private final LearnerProperties props;
    private final Clock clock;
    private final MeterRegistry meters;
    private final PresencePublisher presence;
    private final SyncState sync;
    private final SyncProperties syncProps;
    private final DatasetJobs datasets;
    private final Identities identities;

    JobListener(Learner learner, RabbitTemplate rabbit, LearnerProperties props, Clock clock, MeterRegistry meters,
            PresencePublisher presence, SyncState sync, SyncProperties syncProps, DatasetJobs datasets,
            Identities identities) {
        this.identities = identities;
        meters.counter("ml.learner.jobs.forged"); // reads 0 rather than being absent
        this.sync = sync;
        this.syncProps = syncProps;
        this.datasets = datasets;
        this.presence = presence;
        this.learner = learner;
        this.rabbit = rabbit;
        this.props = props;
        this.clock = clock;
        this.meters = meters;
    }

    @RabbitListener(id = LISTENER_ID, queues = "#{learnerQueue.name}", concurrency = "${ml.learner.consumers:4}")
    void onJob(Message message) {
        MessageProperties mp = message.getMessageProperties();
        JobReply reply;
        if (!identities.isApi(mp.getReceivedUserId())) {
            meters.counter("ml.learner.jobs.forged").increment();
            log.warn("dead-lettering a job published by broker user {}, not an api user (correlation {})",
                    mp.getReceivedUserId(), mp.getCorrelationId());
            throw new AmqpRejectAndDontRequeueException("job not published by an api user");
        }
        try {
            checkProtocol(mp);
            JobType type = JobType.fromWire(mp.getHeader(Headers.JOB_TYPE))
                    .orElseThrow(() -> new MalformedMessageException("unknown job type " + mp.getHeader(Headers.JOB_TYPE)));
            if (expired(mp)) {
                meters.counter("ml.learner.jobs.expired", "job", type.wireName()).increment();
                return;
            }
            try {
                reply = switch (type) {
                    case FIT -> fit(message.getBody());
                    case PREDICT -> delayed(() -> learner.predict(validPredict(message.getBody())));
                    case EVALUATE -> delayed(() -> learner.evaluate(validEvaluate(message.getBody())));
                    case STORE_DATASET -> announced(datasets.store(validStore(message.getBody())));
                    case DELETE_DATASET -> announced(datasets.delete(validDelete(message.getBody())));
                    case DELETE_MODEL -> announced(learner.deleteModel(validDeleteModel(message.getBody())));
                    case PIN_MODEL -> announced(learner.pin(validPin(message.getBody())));
                    case PREPARE_JOINT -> learner.prepareJoint(validPrepare(message.getBody()), deadline(mp));
                };
            } catch (OutOfMemoryError e) {
                // Everything the job allocated is garbage once this frame is gone. Rethrown, the
                // error would abort the consumer and the job would come back to the next one.
                meters.counter("ml.learner.jobs.out.of.memory", "job", type.wireName()).increment();
                String reason = String.format("out of memory: a %d-byte %s job does not fit in this learner's %d MB heap;"
                        + " send fewer rows per request or give learners more heap (LEARNER_JAVA_OPTS=-Xmx...)",
                        message.getBody().length, type.wireName(), Runtime.getRuntime().maxMemory() >> 20);
                log.error("{}", reason);
                reply = JobReply.of(props.id(), props.shard(), type, null, ReplyStatus.FAILED, reason);
            }
        } catch (MalformedMessageException e) {
            meters.counter("ml.learner.jobs.dead.lettered").increment();
            log.warn("dead-lettering a malformed job (correlation {}): {}", mp.getCorrelationId(), e.getMessage());
            throw new AmqpRejectAndDontRequeueException(e.getMessage());
        }
        if (reply == null) {
            return; // a joint fit's job for other learners: they answer it
        }
        meters.counter("ml.learner.jobs", "job", reply.job().wireName(), "status", reply.status().name().toLowerCase())
                .increment();
        reply(mp, reply);
    }

    /**
     * A job of another contract version (a newer api during a rolling upgrade, or a sender that does
     * not speak the protocol) may mean something else in fields this learner reads the old way: it
     * is refused unread, to the dead-letter queue, rather than half understood.
     */
    private static void checkProtocol(MessageProperties mp) {
        Object version = mp.getHeader(Headers.PROTOCOL);
        if (!(version instanceof Number n) || n.longValue() != Headers.PROTOCOL_VERSION) {
            throw new MalformedMessageException("protocol version " + version + " in header " + Headers.PROTOCOL
                    + ", this learner reads " + Headers.PROTOCOL_VERSION);
        }
    }

    private JobReply fit(byte[] body) {
        FitJob job = MessageCodec.decode(body, FitJob.class);
        if (job.modelId() == null || job.dataset() == null || job.target() == null) {
            throw new MalformedMessageException("fit job without modelId, dataset or target");
        }
        if (!Names.isSafeName(job.modelId())) {
            throw new MalformedMessageException("fit job with an invalid modelId: " + job.modelId());
        }
        if (job.joint() != null && (job.joint().encoding() == null || job.joint().tracker().isEmpty())) {
            throw new MalformedMessageException("joint fit job without its encoding or tracker");
        }
        awaitSyncedData();
        JobReply reply = learner.fit(job);
        if (reply == null) {
            return null;
        }
        presence.announce();
        if (reply.ok() && reply.member() != null && reply.workMs() > 0) {
            meters.timer("ml.learner.training", "algorithm", reply.member().algorithm())
                    .record(java.time.Duration.ofMillis(reply.member().trainMs()));
            meters.summary("ml.learner.training.rows").record(reply.member().rows());
        }
        return reply;
    }

    /**
     * A learner that starts with an empty disk copies its shard from a replica first: a fit
     * that arrives meanwhile waits for the data instead of failing on a missing shard.
     */
    private void awaitSyncedData() {
        try {
            if (!sync.awaitData(syncProps.announceTimeout())) {
                log.warn("fit starts before the start-up sync has copied the dataset files");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Presence at once, so that the api lists the dataset as soon as it is answered. */
    private JobReply announced(JobReply reply) {
        presence.announce();
        return reply;
    }

    private static StoreDatasetJob validStore(byte[] body) {
        StoreDatasetJob job = MessageCodec.decode(body, StoreDatasetJob.class);
        if (job.dataset() == null || job.uploadId() == null || job.parts().isEmpty()
                || job.parts().stream().anyMatch(p -> p == null || p.part() == null || p.stream() == null
                        || p.sha256() == null)) {
            throw new MalformedMessageException("store-dataset job without dataset, upload id or complete parts");
        }
        return job;
    }

    private static PrepareJointJob validPrepare(byte[] body) {
        PrepareJointJob job = MessageCodec.decode(body, PrepareJointJob.class);
        if (!Names.isSafeName(job.modelId()) || job.dataset() == null || job.target() == null
                || job.ranks().isEmpty()) {
            throw new MalformedMessageException("prepare-joint job without a valid modelId, dataset, target or ranks");
        }
        return job;
    }

    /** The job's deadline header, or a minute from now for a job without one. */
    private java.time.Instant deadline(MessageProperties mp) {
        Object deadline = mp.getHeader(Headers.DEADLINE);
        return deadline instanceof Number n ? java.time.Instant.ofEpochMilli(n.longValue())
                : clock.instant().plusSeconds(60);
    }

    private static DeleteDatasetJob validDelete(byte[] body) {
        DeleteDatasetJob job = MessageCodec.decode(body, DeleteDatasetJob.class);
        if (job.dataset() == null) {
            throw new MalformedMessageException("delete-dataset job without dataset");
        }
        return job;
    }

    private static DeleteModelJob validDeleteModel(byte[] body) {
        DeleteModelJob job = MessageCodec.decode(body, DeleteModelJob.class);
        if (!Names.isSafeName(job.modelId())) {
            throw new MalformedMessageException("delete-model job without a valid modelId");
        }
        return job;
    }

    private static PinModelJob validPin(byte[] body) {
        PinModelJob job = MessageCodec.decode(body, PinModelJob.class);
        if (!Names.isSafeName(job.modelId())) {
            throw new MalformedMessageException("pin-model job without a valid modelId");
        }
        return job;
    }

    private static PredictJob validPredict(byte[] body) {
        PredictJob job = PredictJobCodec.decode(body); // binary from the api, JSON from an older one
        if (job.modelId() == null || job.columns() == null || job.rows() < 1) {
            throw new MalformedMessageException("predict job without modelId, columns or rows");
        }
        job.columns().forEach((column, values) -> {
            if (values == null || values.size() != job.rows()) {
                throw new MalformedMessageException("predict job column " + column + " does not have " + job.rows()
                        + " values");
            }
        });
        return job;
    }

    private static EvaluateJob validEvaluate(byte[] body) {
        EvaluateJob job = MessageCodec.decode(body, EvaluateJob.class);
        if (job.modelId() == null) {
            throw new MalformedMessageException("evaluate job without modelId");
        }
        return job;
    }

    private boolean expired(MessageProperties mp) {
        Object deadline = mp.getHeader(Headers.DEADLINE);
        return deadline instanceof Number n && clock.millis() > n.longValue();
    }

    /** Fault injection for drills: a slow learner, configured with {@code ml.learner.reply-delay}. */
    private JobReply delayed(java.util.function.Supplier<JobReply> work) {
        if (!props.replyDelay().isZero()) {
            try {
                Thread.sleep(props.replyDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return work.get();
    }

    private void reply(MessageProperties request, JobReply reply) {
        String replyTo = request.getReplyTo();
        if (replyTo == null || request.getCorrelationId() == null) {
            return; // nobody asked for an answer
        }
        MessageProperties props = new MessageProperties();
        props.setCorrelationId(request.getCorrelationId());
        // predictions as raw doubles when the requester reads them (an api of an earlier version does not ask)
        boolean binary = JobReplyCodec.BINARY.equals(String.valueOf(request.getHeaders().get(Headers.REPLY_FORMAT)))
                && reply.predictions() != null;
        props.setContentType(binary ? JobReplyCodec.CONTENT_TYPE : MessageProperties.CONTENT_TYPE_JSON);
        props.setHeader(Headers.JOB_TYPE, reply.job().wireName());
        try {
            rabbit.send("", replyTo, new Message(JobReplyCodec.encode(reply, binary), props));
        } catch (AmqpException e) {
            // direct reply-to is at-most-once: the requester may be gone, and its deadline covers that
            log.debug("reply to {} dropped: {}", replyTo, e.getMessage());
        }
    }
}
