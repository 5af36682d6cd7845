package org.mlensemble.api;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** A stateless api instance: HTTP in front, scatter-gather over RabbitMQ behind. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiApplication {

    /** The api reads {@code api.yml}, so that it can share a classpath with learners in tests. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ApiApplication.class).properties("spring.config.name=api");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
