package org.mlensemble.e2e;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The local RabbitMQ. The suite runs in its own vhost, so that it never touches the queues of a
 * developer's cluster on the same broker. Its services log in as the project's users
 ({@code ml-api} with the permissions of {@code rabbitmq/definitions.json} rewritten for the suite's
 * prefix; each learner its own {@code ml-learner-<id>}, created by {@code bin/mlcluster} or by
 * {@link #learnerUser}), so least privilege is exercised too. The suite itself (poison
 * messages, a fake learner) uses a throw-away user of that vhost.
 * <p>
 * Set-up goes through the management HTTP API (a {@code rabbitmqctl} call costs ~3 s of Erlang
 * start-up); {@code rabbitmqctl} is the fallback, and the only way to stop and start the broker.
 * Admin credentials: {@code E2E_RABBIT_ADMIN=user:password}, else the dev defaults
 * {@code ml-admin} (rabbitmq/README.md) and {@code guest}.
 */
final class Broker {

    static final String HOST = "127.0.0.1";
    static final int PORT = 5672;
    static final String MANAGEMENT = "http://127.0.0.1:15672/api";
    static final String VHOST = "ml-e2e";
    static final String PREFIX = "e2e";
    private static final String TEST_USER = "e2e-tester";
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(90);

    private final Path repo;
    private final String vhost;
    private final String prefix;
    private final String testUser;
    private final String testPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    private String adminAuth;
    /** Learner users made by {@link #learnerUser}, removed by {@link #cleanup}. */
    private final List<String> learnerUsers = new ArrayList<>();

    /** The shared cluster's broker: vhost {@value #VHOST}, prefix {@value #PREFIX}. */
    Broker(Path repo) {
        this(repo, VHOST, PREFIX, TEST_USER);
    }

    /** A vhost of its own, for a topology that must not share the suite's (the cross-host test). */
    Broker(Path repo, String vhost, String prefix, String testUser) {
        this.repo = repo;
        this.vhost = vhost;
        this.prefix = prefix;
        this.testUser = testUser;
    }

    String vhost() {
        return vhost;
    }

    String prefix() {
        return prefix;
    }

    /** Checks that the broker runs, then gives the suite a fresh vhost, permissions and user. */
    void prepare() {
        adminAuth = findAdmin();
        if (adminAuth != null) {
            prepareOverHttp();
        } else {
            prepareWithCtl();
        }
    }

    private String findAdmin() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("E2E_RABBIT_ADMIN");
        if (configured != null && configured.contains(":")) {
            candidates.add(configured);
        }
        candidates.add("ml-admin:ml-admin-dev");
        candidates.add("guest:guest");
        for (String c : candidates) {
            String auth = "Basic " + Base64.getEncoder().encodeToString(c.getBytes(StandardCharsets.UTF_8));
            Http.Reply r = Http.call("GET", MANAGEMENT + "/whoami", null, Duration.ofSeconds(3),
                    Map.of("Authorization", auth));
            if (r.ok() && r.json() != null && r.json().toString().contains("administrator")) {
                return auth;
            }
        }
        return null;
    }

    private void prepareOverHttp() {
        if (!mgmt("GET", "/users/ml-api", null).ok()) {
            require(mgmt("POST", "/definitions", read(repo.resolve("rabbitmq/definitions.json"))));
        }
        if (mgmt("GET", "/vhosts/" + vhost, null).ok()) {
            require(mgmt("DELETE", "/vhosts/" + vhost, null)); // left over by an aborted run: start clean
        }
        require(mgmt("PUT", "/vhosts/" + vhost, "{}"));
        for (JsonNode p : servicePermissions()) {
            ObjectNode body = Json.object();
            body.put("configure", forPrefix(p.get("configure").asString()));
            body.put("write", forPrefix(p.get("write").asString()));
            body.put("read", forPrefix(p.get("read").asString()));
            require(mgmt("PUT", "/permissions/" + vhost + "/" + p.get("user").asString(), Json.write(body)));
        }
        require(mgmt("PUT", "/users/" + testUser, "{\"password\":\"" + testPassword + "\",\"tags\":\"\"}"));
        require(mgmt("PUT", "/permissions/" + vhost + "/" + testUser,
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"));
    }

    private void prepareWithCtl() {
        if (!Shell.onPath("rabbitmqctl") || !ctl("status").ok()) {
            throw new IllegalStateException("the end-to-end suite needs the local RabbitMQ at " + HOST + ":" + PORT
                    + " with its management plugin, or rabbitmqctl (run as root; .ci/run installs and starts it)");
        }
        String users = ctl("list_users", "--no-table-headers").orThrow().output();
        if (!hasLine(users, "ml-api")) {
            Shell.run(CTL_TIMEOUT, Map.of(), repo, List.of("rabbitmqctl", "-q", "import_definitions", "--format", "json"),
                    repo.resolve("rabbitmq/definitions.json")).orThrow();
        }
        if (hasLine(ctl("list_vhosts", "--no-table-headers", "name").orThrow().output(), vhost)) {
            ctl("delete_vhost", vhost).orThrow();
        }
        ctl("add_vhost", vhost).orThrow();
        for (JsonNode p : servicePermissions()) {
            ctl("set_permissions", "-p", vhost, p.get("user").asString(), forPrefix(p.get("configure").asString()),
                    forPrefix(p.get("write").asString()), forPrefix(p.get("read").asString())).orThrow();
        }
        ctl("delete_user", testUser);
        ctl("add_user", testUser, testPassword).orThrow();
        ctl("set_permissions", "-p", vhost, testUser, ".*", ".*", ".*").orThrow();
    }

    /** Removes the suite's vhost and user. */
    void cleanup() {
        if (adminAuth != null && mgmt("GET", "/overview", null).ok()) {
            mgmt("DELETE", "/users/" + testUser, null);
            learnerUsers.forEach(u -> mgmt("DELETE", "/users/" + u, null));
            mgmt("DELETE", "/vhosts/" + vhost, null);
        } else if (Shell.onPath("rabbitmqctl")) {
            ctl("delete_user", testUser);
            learnerUsers.forEach(u -> ctl("delete_user", u));
            ctl("delete_vhost", vhost);
        }
    }

    /** The durable queue of one learner in the suite's vhost. */
    String learnerQueue(String learnerId) {
        return PREFIX + ".learner." + learnerId;
    }

    /**
     * Deletes a queue of the suite's vhost (a learner that left for good: no job waits there for it);
     * a queue that does not exist is fine.
     */
    void deleteQueue(String queue) {
        if (adminAuth != null && mgmt("GET", "/overview", null).ok()) {
            Http.Reply r = mgmt("DELETE", "/queues/" + VHOST + "/" + queue, null);
            if (r.status() / 100 != 2 && r.status() != 404) { // 204 when deleted
                throw new IllegalStateException("cannot delete queue " + queue + ": " + r);
            }
        } else if (Shell.onPath("rabbitmqctl")) {
            ctl("delete_queue", "-p", VHOST, queue);
        }
    }

    Shell.Result stopApp() {
        return ctl("stop_app");
    }

    Shell.Result startApp() {
        return ctl("start_app");
    }

    /**
     * Creates (or resets) the broker user {@code user} of learner {@code learnerId} with a fresh
     * password and the rights {@code bin/mlcluster} gives a learner, and returns the password. Users
     * are global on the broker: a test beside the shared cluster must not reset its learners'
     * {@code ml-learner-<id>}, so it names its own.
     */
    String learnerUser(String user, String learnerId) {
        learnerUsers.add(user);
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        String p = prefix.replace(".", "\\.");
        String i = learnerId.replace(".", "\\.").replace("-", "\\-");
        String configure = "^" + p + "\\.(learner\\." + i + "|sync\\." + i + "|jobs|dlx|dead-letter|presence|sync)$";
        String write = "^(" + p + "\\.(learner\\." + i + "|sync\\." + i + "|dlx|dead-letter|presence|sync)|amq\\.default)$";
        String read = "^(" + p + "\\.(learner\\." + i + "|sync\\." + i + "|jobs|dlx|sync|dataset\\..*)"
                + "|amq\\.rabbitmq\\.reply-to.*)$";
        if (adminAuth != null) {
            require(mgmt("PUT", "/users/" + user, "{\"password\":\"" + password + "\",\"tags\":\"\"}"));
            ObjectNode body = Json.object();
            body.put("configure", configure);
            body.put("write", write);
            body.put("read", read);
            require(mgmt("PUT", "/permissions/" + vhost + "/" + user, Json.write(body)));
        } else {
            ctl("delete_user", user);
            ctl("add_user", user, password).orThrow();
            ctl("set_permissions", "-p", vhost, user, configure, write, read).orThrow();
        }
        return password;
    }

    /** A connection with the given login, as an attacker who holds it would open one. */
    Connection connectAs(String name, String user, String password) throws IOException, TimeoutException {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        f.setVirtualHost(vhost);
        f.setUsername(user);
        f.setPassword(password);
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(3000);
        return f.newConnection(name);
    }

    Connection connect(String name) throws IOException, TimeoutException {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        f.setVirtualHost(vhost);
        f.setUsername(testUser);
        f.setPassword(testPassword);
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(3000);
        return f.newConnection(name);
    }

    /** Messages ready in a queue of the suite's vhost, from the management API (-1 when unknown). */
    long messages(String queue) {
        Http.Reply r = mgmt("GET", "/queues/" + vhost + "/" + queue, null);
        return r.ok() && r.json().has("messages") ? r.json().get("messages").asLong() : -1;
    }

    /**
     * Open connections in the suite's vhost, by user and connection name (e.g.
     * {@code ml-api/api-scatter-gather}); empty when the management API is not available.
     */
    Map<String, Integer> connections() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        if (adminAuth == null) {
            return out;
        }
        Http.Reply r = mgmt("GET", "/vhosts/" + vhost + "/connections", null);
        if (r.ok() && r.json() != null) {
            for (JsonNode c : r.json()) {
                JsonNode props = c.get("client_properties");
                String name = props != null && props.has("connection_name") ? props.get("connection_name").asString()
                        : "?";
                // Spring names its connections after the factory bean and a counter: keep the stem
                name = name.replaceAll("#[0-9a-f]+:\\d+$", "");
                out.merge(c.get("user").asString() + "/" + name, 1, Integer::sum);
            }
        }
        return out;
    }

    private List<JsonNode> servicePermissions() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : Json.read(repo.resolve("rabbitmq/definitions.json")).get("permissions")) {
            String user = p.get("user").asString();
            if (user.equals("ml-api")) {
                out.add(p);
            }
        }
        return out;
    }

    private Http.Reply mgmt(String method, String path, String body) {
        if (adminAuth == null) {
            throw new IllegalStateException("no management API credentials");
        }
        return Http.call(method, MANAGEMENT + path, body, Duration.ofSeconds(30), Map.of("Authorization", adminAuth));
    }

    private static void require(Http.Reply r) {
        if (r.status() < 200 || r.status() > 299) {
            throw new IllegalStateException("RabbitMQ management API: " + r);
        }
    }

    private Shell.Result ctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        cmd.addAll(List.of(args));
        return Shell.run(CTL_TIMEOUT, Map.of(), repo, cmd);
    }

    /** {@code ^(ml\.jobs|...)$} -> {@code ^(e2e\.jobs|...)$}: the same rights for this broker prefix's names. */
    private String forPrefix(String regex) {
        return regex.replace("ml\\.", prefix + "\\.");
    }

    private static boolean hasLine(String text, String value) {
        return text.lines().map(l -> l.split("\\s+")[0].strip()).anyMatch(value::equals);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
