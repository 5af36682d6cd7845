package org.mlensemble.learner;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

/** One learner process: trains, holds and serves its own ensemble members. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class LearnerApplication {

    /** The learner reads {@code learner.yml}, so that it can share a classpath with the api in tests. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(LearnerApplication.class).properties("spring.config.name=learner");
    }

    public static void main(String[] args) {
        ConfigurableApplicationContext ignored = builder().run(args);
    }
}
