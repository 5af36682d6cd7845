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
 * line per attempt, and the failure stays visible: a learner that cannot log in sends no heartbeat,
 * so the api instances list it as not alive until it can. (Checked by hand: a learner started with
 * a wrong password consumed its queue within seconds of the password being set right; with the
 * default it never would have.)
 */
@Configuration(proxyBeanMethods = false)
class ConsumerResilience {

    @Bean
    ContainerCustomizer<SimpleMessageListenerContainer> retryRefusedLogins() {
        return container -> container.setPossibleAuthenticationFailureFatal(false);
    }
}
