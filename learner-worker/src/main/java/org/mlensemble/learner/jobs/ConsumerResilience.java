package org.mlensemble.learner.jobs;

import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the job consumers retrying when the broker refuses the learner's login. By default a
 * listener container treats an authentication failure as fatal and stops for good, which leaves a
 * live process that never consumes again: a password rotated in the wrong order, or a user briefly
 * recreated, would silently take the learner out until someone restarts it. Retrying costs a log
 * line per attempt; readiness stays down meanwhile, so the failure is still visible.
 */
@Configuration(proxyBeanMethods = false)
class ConsumerResilience {

    @Bean
    ContainerCustomizer<SimpleMessageListenerContainer> retryRefusedLogins() {
        return container -> container.setPossibleAuthenticationFailureFatal(false);
    }
}
