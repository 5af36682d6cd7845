package org.mlensemble.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The real RabbitMQ the tests run against: the local broker at 127.0.0.1:5672 when it answers,
 * otherwise a Testcontainers broker when Docker is available. Never a mock.
 */
record Broker(String host, int port, String username, String password) {

    private static Broker instance;

    static synchronized Broker get() {
        if (instance == null) {
            instance = find();
        }
        return instance;
    }

    private static Broker find() {
        String host = System.getProperty("ml.test.rabbit.host", "127.0.0.1");
        int port = Integer.getInteger("ml.test.rabbit.port", 5672);
        if (reachable(host, port)) {
            return new Broker(host, port, System.getProperty("ml.test.rabbit.username", "guest"),
                    System.getProperty("ml.test.rabbit.password", "guest"));
        }
        if (DockerClientFactory.instance().isDockerAvailable()) {
            RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13.7-management");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new Broker(container.getHost(), container.getAmqpPort(), container.getAdminUsername(),
                    container.getAdminPassword());
        }
        throw new IllegalStateException("No RabbitMQ at " + host + ":" + port + " and no Docker for Testcontainers. "
                + "Start a local broker (rabbitmq-server -detached) and run the tests again.");
    }

    private static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
