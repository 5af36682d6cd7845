package org.mlensemble.api.datasets;

import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.mlensemble.api.gather.ScatterGather;
import org.mlensemble.api.membership.Membership;
import org.mlensemble.api.system.ApiProperties;
import org.mlensemble.common.messaging.Topology;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans behind dataset uploads. The streams are declared per upload, by {@link DatasetStreams}. */
@Configuration(proxyBeanMethods = false)
class DatasetConfiguration {

    @Bean
    Datasets datasets(ConnectionFactory allNodes, ScatterGather scatterGather,
            Membership membership, Topology topology, Clock clock, ApiProperties props,
            MeterRegistry meters) {
        ApiProperties.Datasets d = props.datasets();
        DatasetStreams streams = new DatasetStreams(allNodes, d.chunkBytes(),
                d.streamMaxAge(), d.storeDeadline().toMillis(), props.instanceName());
        return new DatasetUploads(streams, scatterGather, membership, new DatasetCatalog(membership), topology, clock, d,
                props.fitCatchUp().toMillis(), meters);
    }
}
