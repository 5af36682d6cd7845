package org.mlensemble.learner.jobs;

import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Ready means the job consumers are running: the learner takes work from its queue. */
@Component("jobConsumer")
class JobConsumerHealth implements HealthIndicator {

    private final RabbitListenerEndpointRegistry registry;

    JobConsumerHealth(RabbitListenerEndpointRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        var container = registry.getListenerContainer(JobListener.LISTENER_ID);
        if (container == null || !container.isRunning()) {
            return Health.down().withDetail("reason", "job consumer not running").build();
        }
        if (container instanceof AbstractMessageListenerContainer c && !c.isActive()) {
            return Health.down().withDetail("reason", "job consumer not active").build();
        }
        return Health.up().build();
    }
}
