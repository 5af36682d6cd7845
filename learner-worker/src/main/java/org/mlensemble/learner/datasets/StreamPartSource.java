package org.mlensemble.learner.datasets;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.mlensemble.common.messaging.DatasetPartEnd;
import org.mlensemble.common.messaging.Headers;
import org.mlensemble.common.messaging.MalformedMessageException;
import org.mlensemble.common.messaging.MessageCodec;

/**
 * Reads a dataset stream with a plain consumer: from the first offset, a few unacknowledged
 * chunks at a time ({@code basicQos}, which streams require), each acknowledged once written.
 * The consumer is cancelled at the end marker; the stream itself stays for other readers. Only
 * messages an api user published count: anything else on the stream (a learner login can write
 * through the default exchange) is acknowledged and skipped, so it can neither add rows nor end a
 * part early.
 */
final class StreamPartSource implements PartSource {

    /** Chunks in flight to this reader: about this many MB of heap at most. */
    private static final int PREFETCH = 4;

    private record Delivery(long tag, AMQP.BasicProperties props, byte[] body, String failure) {
    }

    private final ConnectionFactory factory;
    private final Predicate<String> trustedPublisher;

    private final String learnerId;

    StreamPartSource(ConnectionFactory factory, Predicate<String> trustedPublisher, String learnerId) {
        this.learnerId = learnerId;
        this.factory = factory;
        this.trustedPublisher = trustedPublisher;
    }

    @Override
    public DatasetPartEnd read(String stream, Sink sink, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Connection connection;
        try {
            connection = factory.newConnection(learnerId + " dataset " + stream);
        } catch (TimeoutException e) {
            throw new IOException("timed out connecting to the broker", e);
        }
        try {
            Channel channel = connection.createChannel();
            channel.basicQos(PREFETCH);
            BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
            channel.basicConsume(stream, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                    deliveries.add(new Delivery(envelope.getDeliveryTag(), props, body, null));
                }

                @Override
                public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
                    if (!sig.isInitiatedByApplication()) {
                        deliveries.add(new Delivery(-1, null, null, sig.getMessage()));
                    }
                }

                @Override
                public void handleCancel(String tag) {
                    deliveries.add(new Delivery(-1, null, null, "the stream was deleted"));
                }
            });
            while (true) {
                long left = deadline - System.nanoTime();
                Delivery d = left <= 0 ? null : deliveries.poll(left, TimeUnit.NANOSECONDS);
                if (d == null) {
                    throw new IOException("stream " + stream + " did not deliver its end marker within " + timeout);
                }
                if (d.failure() != null) {
                    throw new IOException("cannot read stream " + stream + ": " + d.failure());
                }
                if (!trustedPublisher.test(d.props().getUserId())) {
                    channel.basicAck(d.tag(), false);
                    continue;
                }
                Map<String, Object> headers = d.props().getHeaders();
                Object kind = headers == null ? null : headers.get(Headers.DATASET_CHUNK);
                if (kind != null && "end".equals(kind.toString())) {
                    channel.basicAck(d.tag(), false);
                    try {
                        return MessageCodec.decode(d.body(), DatasetPartEnd.class);
                    } catch (MalformedMessageException e) {
                        throw new IOException("stream " + stream + " ends with an unreadable marker: " + e.getMessage());
                    }
                }
                Object rows = headers == null ? null : headers.get(Headers.DATASET_ROWS);
                sink.chunk(d.body(), rows instanceof Number n ? n.longValue() : 0);
                channel.basicAck(d.tag(), false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading stream " + stream, e);
        } finally {
            try {
                connection.close(2000);
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
    }
}
