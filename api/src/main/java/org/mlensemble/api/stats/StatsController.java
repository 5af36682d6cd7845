package org.mlensemble.api.stats;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the dashboard plots, on the public port (actuator lives on the management port):
 * this instance's request rate, latency and missing replies, and the broker's queues.
 */
@RestController
@RequestMapping("/v1/ml-distributed")
class StatsController {

    private final RequestStats stats;
    private final BrokerOverview broker;

    StatsController(RequestStats stats, BrokerOverview broker) {
        this.stats = stats;
        this.broker = broker;
    }

    @GetMapping("/stats")
    RequestStats.Series stats() {
        return stats.series();
    }

    @GetMapping("/broker")
    BrokerOverview.Overview broker() {
        return broker.now();
    }
}
