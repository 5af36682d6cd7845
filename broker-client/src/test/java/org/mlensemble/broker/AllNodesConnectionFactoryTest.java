package org.mlensemble.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllNodesConnectionFactoryTest {

    private static final List<Address> NODES = List.of(new Address("node-1", 5672), new Address("node-2", 5673),
            new Address("node-3", 5674));

    /** The configured factory, recording which addresses each connection was offered. */
    private static final class Recording extends ConnectionFactory {
        final List<List<Address>> offered = new ArrayList<>();
        final List<String> names = new ArrayList<>();

        @Override
        public Connection newConnection(List<Address> addrs, String clientProvidedName) {
            offered.add(List.copyOf(addrs));
            names.add(clientProvidedName);
            return null;
        }
    }

    @Test
    void everyConnectionIsOfferedEveryNodeInAnOrderThatVaries() throws Exception {
        Recording configured = new Recording();
        AllNodesConnectionFactory factory = new AllNodesConnectionFactory(configured, NODES);

        Set<Address> firstTried = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            factory.newConnection("api-1 scatter-gather");
        }
        for (List<Address> order : configured.offered) {
            assertThat(order).containsExactlyInAnyOrderElementsOf(NODES);
            firstTried.add(order.get(0));
        }
        assertThat(firstTried).as("instances spread over the nodes").hasSize(3);
        assertThat(configured.names).containsOnly("api-1 scatter-gather");
    }

    @Test
    void credentialsAndVirtualHostAreTheConfiguredOnes() throws Exception {
        Recording configured = new Recording();
        configured.setUsername("ml");
        configured.setVirtualHost("/ml");
        AllNodesConnectionFactory factory = new AllNodesConnectionFactory(configured, NODES);

        factory.newConnection();

        assertThat(factory.getUsername()).isEqualTo("ml");
        assertThat(factory.getVirtualHost()).isEqualTo("/ml");
        assertThat(configured.offered).hasSize(1);
    }

    @Test
    void aFactoryWithoutAnyAddressIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AllNodesConnectionFactory(new Recording(), List.of()));
    }
}
