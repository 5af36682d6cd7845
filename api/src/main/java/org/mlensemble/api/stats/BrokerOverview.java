package org.mlensemble.api.stats;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.mlensemble.common.messaging.MessageCodec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The broker as its management HTTP API shows it: the node, this cluster's queues with their
 * depths, and the connections of the api instances and learners (named, so the api instances are
 * seen there too). Asked by the api with its own configuration; the browser never sees a broker
 * login. An unreachable or refusing management API is an answer too ({@code reachable: false} and
 * why), never an error of the endpoint.
 */
@Component
public class BrokerOverview {

    /**
     * @param reachable   the management API answered
     * @param problem     why not, when it did not
     * @param queues      the queues of this cluster (names starting with the prefix), by name
     * @param connections the connections of the vhost, by name
     */
    record Overview(String at, boolean reachable, String problem, String vhost, String node, String version,
            List<Queue> queues, List<Connection> connections) {
    }

    /** One queue: messages ready and unacknowledged, and consumers. */
    record Queue(String name, String type, long messages, long ready, long unacknowledged, int consumers) {
    }

    /** One client connection, by the name its client gave it ({@code api-1 scatter-gather}, {@code learner-3 jobs}). */
    record Connection(String name, String user, String state) {
    }

    private final StatsProperties props;
    private final Clock clock;
    private final String vhost;
    private final String prefix;
    private final String authorization;
    private final HttpClient http;
    private volatile Overview cached;
    private volatile long cachedAtMs;

    BrokerOverview(StatsProperties props, Clock clock,
            @Value("${spring.rabbitmq.virtual-host:/}") String vhost, @Value("${ml.prefix:ml}") String prefix,
            @Value("${spring.rabbitmq.username:guest}") String username,
            @Value("${spring.rabbitmq.password:guest}") String password) {
        this.props = props;
        this.clock = clock;
        this.vhost = vhost == null || vhost.isBlank() ? "/" : vhost;
        this.prefix = prefix;
        String user = props.managementUsername().isBlank() ? username : props.managementUsername();
        String pass = props.managementUsername().isBlank() ? password : props.managementPassword();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass)
                .getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(props.managementTimeout()).build();
    }

    Overview now() {
        long nowMs = clock.millis();
        Overview c = cached;
        if (c != null && nowMs - cachedAtMs < props.managementCache().toMillis()) {
            return c;
        }
        Overview fresh = ask();
        cached = fresh;
        cachedAtMs = nowMs;
        return fresh;
    }

    private Overview ask() {
        String at = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        String v = URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        try {
            JsonNode overview = get("/api/overview");
            JsonNode queues = get("/api/queues/" + v + "?columns=name,type,messages,messages_ready,"
                    + "messages_unacknowledged,consumers");
            JsonNode connections = get("/api/vhosts/" + v + "/connections?columns=name,user,state,client_properties");
            return new Overview(at, true, null, vhost, overview.path("node").asString(null),
                    overview.path("rabbitmq_version").asString(null), queues(queues), connections(connections));
        } catch (Refused e) {
            return unreachable(at, e.getMessage());
        } catch (IOException | JacksonException e) {
            return unreachable(at, "the management API at " + props.managementUrl() + " did not answer: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(at, "interrupted");
        }
    }

    private Overview unreachable(String at, String why) {
        return new Overview(at, false, why, vhost, null, null, List.of(), List.of());
    }

    List<Queue> queues(JsonNode queues) {
        List<Queue> out = new ArrayList<>();
        for (JsonNode q : queues) {
            String name = q.path("name").asString("");
            if (name.startsWith(prefix + ".")) {
                out.add(new Queue(name, q.path("type").asString(null), q.path("messages").asLong(0),
                        q.path("messages_ready").asLong(0), q.path("messages_unacknowledged").asLong(0),
                        q.path("consumers").asInt(0)));
            }
        }
        out.sort(java.util.Comparator.comparing(Queue::name));
        return out;
    }

    static List<Connection> connections(JsonNode connections) {
        List<Connection> out = new ArrayList<>();
        for (JsonNode c : connections) {
            String named = c.path("client_properties").path("connection_name").asString(null);
            out.add(new Connection(named != null ? named : c.path("name").asString("?"), c.path("user").asString(null),
                    c.path("state").asString(null)));
        }
        out.sort(java.util.Comparator.comparing(Connection::name));
        return out;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(props.managementUrl().replaceAll("/+$", "") + path))
                .timeout(props.managementTimeout()).header("Authorization", authorization)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new Refused("the management API at " + props.managementUrl() + " refused the api's login ("
                    + r.statusCode() + "): it needs the management or monitoring tag, or set "
                    + "ml.api.stats.management-username and -password");
        }
        if (r.statusCode() != 200) {
            throw new Refused("the management API at " + props.managementUrl() + " answered " + r.statusCode()
                    + " to " + path.replaceAll("\\?.*", ""));
        }
        return MessageCodec.mapper().readTree(r.body());
    }

    /** The management API answered, but not with what was asked. */
    private static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }
}
