package org.mlensemble.broker;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A configured client factory (credentials, virtual host, TLS, timeouts: in the applications, the
 * one Spring configured), opening each connection to one of the broker's nodes
 * ({@code spring.rabbitmq.addresses}) rather than to the first one only. The connections this application opens by hand (besides Spring's own,
 * which use the addresses already) go through it, so they reach a live node of a cluster, in a
 * random order so that instances spread over the nodes, and a reconnect after a node is lost
 * finds another one.
 */
public final class AllNodesConnectionFactory extends ConnectionFactory {

    private final ConnectionFactory configured;
    private final List<Address> addresses;

    /**
     * @param configured the factory whose settings every connection uses
     * @param addresses  every node of the broker; at least one
     */
    public AllNodesConnectionFactory(ConnectionFactory configured, List<Address> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no broker address");
        }
        this.configured = configured;
        this.addresses = List.copyOf(addresses);
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
