package org.mlensemble.common.messaging;

import java.util.Objects;
import java.util.Set;

/**
 * Who may say what on the broker. RabbitMQ checks the AMQP {@code user_id} property of every
 * published message against the login of the connection that publishes it, so {@code user_id}
 * names the broker user that really sent a message. These rules map broker users to roles:
 * <ul>
 *   <li>a learner's messages (replies, heartbeats, sync requests) must come from the broker user
 *       {@code learnerUser} with {@code {id}} replaced by the learner id the message claims
 *       ({@code ml-learner-{id}}: learner-3 logs in as {@code ml-learner-learner-3});</li>
 *   <li>jobs must come from one of {@code apiUsers}.</li>
 * </ul>
 * A {@code learnerUser} without {@code {id}} means every learner shares one login: then a learner's
 * login can speak for any learner. That is only for tests that run everything as one broker user.
 *
 * @param learnerUser the broker user of learner {@code {id}}
 * @param apiUsers    the broker users whose jobs learners obey
 */
public record Identities(String learnerUser, Set<String> apiUsers) {

    public static final String ID = "{id}";
    public static final String DEFAULT_LEARNER_USER = "ml-learner-" + ID;
    public static final String DEFAULT_API_USER = "ml-api";

    /** Either left out ({@code null}, as when bound from settings that name neither) takes its default. */
    public Identities {
        learnerUser = Objects.requireNonNullElse(learnerUser, DEFAULT_LEARNER_USER);
        if (learnerUser.isBlank()) {
            throw new IllegalArgumentException("the learner broker user must not be blank");
        }
        apiUsers = Set.copyOf(Objects.requireNonNullElse(apiUsers, Set.of(DEFAULT_API_USER)));
        if (apiUsers.isEmpty()) {
            throw new IllegalArgumentException("at least one api broker user is needed");
        }
    }

    public static Identities defaults() {
        return new Identities(DEFAULT_LEARNER_USER, Set.of(DEFAULT_API_USER));
    }

    /** The broker user learner {@code learnerId} logs in as. */
    public String learnerUser(String learnerId) {
        return learnerUser.replace(ID, learnerId);
    }

    /** True when a message published by broker user {@code userId} may speak for {@code learnerId}. */
    public boolean vouchesForLearner(String userId, String learnerId) {
        return userId != null && learnerId != null && Names.isSafeName(learnerId)
                && userId.equals(learnerUser(learnerId));
    }

    /** True when {@code userId} is one of the api users, whose jobs learners carry out. */
    public boolean isApi(String userId) {
        return userId != null && apiUsers.contains(userId);
    }

    /** True when every learner shares one login, so that no learner's identity is verified. */
    public boolean shared() {
        return !learnerUser.contains(ID);
    }
}
