package org.mlensemble.learner.sync;

import org.mlensemble.learner.training.Learner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The plain objects of peer sync; its broker topology is declared with the rest in {@code LearnerConfiguration}. */
@Configuration(proxyBeanMethods = false)
class SyncBeans {

    @Bean
    Holdings holdings(Learner learner) {
        return new Holdings(learner);
    }

    @Bean
    SyncState syncState() {
        return new SyncState();
    }
}
