package org.mlensemble.api.system;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;

/**
 * The client factory that Spring configured (credentials, virtual host, TLS, timeouts), opening
 * each connection to one of the broker's nodes ({@code spring.rabbitmq.addresses}) rather than to
 * the first one only. The connections this application opens by hand (besides Spring's own,
 * which use the addresses already) go through it, so they reach a live node of a cluster, in a
 * random order so that instances spread over the nodes, and a reconnect after a node is lost
 * finds another one.
 */
final class AllNodesConnectionFactory extends ConnectionFactory {

    private final ConnectionFactory configured;
    private final List<Address> addresses;

    AllNodesConnectionFactory(ConnectionFactory configured, RabbitConnectionDetails details) {
        this.configured = configured;
        this.addresses = details.getAddresses().stream().map(a -> new Address(a.host(), a.port())).toList();
    }

    @Override
    public Connection newConnection(String connectionName) throws IOException, TimeoutException {
        List<Address> order = new ArrayList<>(addresses);
        Collections.shuffle(order);
        return configured.newConnection(order, connectionName);
    }

    @Override
    public Connection newConnection() throws IOException, TimeoutException {
        return newConnection((String) null);
    }

    @Override
    public String getUsername() {
        return configured.getUsername();
    }

    @Override
    public String getVirtualHost() {
        return configured.getVirtualHost();
    }
}
