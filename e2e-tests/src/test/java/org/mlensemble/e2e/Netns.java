package org.mlensemble.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Network namespaces standing in for separate machines: each "host" is a namespace with one veth
 * whose other end is a port of a bridge in the root namespace. The bridge has the first address of
 * a private /24, the hosts the next ones; nothing is routed or NATed, so a host reaches only the
 * bridge address and its own loopback (not the root namespace's 127.0.0.1, where the broker
 * listens). Every name starts with {@value #PREFIX}, so leftovers of an aborted run are found and
 * removed without touching anything else. Needs root and iproute2.
 */
final class Netns implements AutoCloseable {

    static final String PREFIX = "mlx";
    private static final String BRIDGE = PREFIX + "br0";
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(20);

    /**
     * One simulated machine.
     *
     * @param namespace its network namespace
     * @param hostLink  the root-side end of its veth (taken down to cut the machine off)
     * @param address   its IPv4 address on the test's /24
     */
    record Host(String namespace, String hostLink, String address) {
    }

    private final String subnet;
    private final List<Host> hosts = new ArrayList<>();
    private final Thread shutdownHook = new Thread(Netns::removeAll, "netns-down");
    private boolean closed;

    private Netns(String subnet) {
        this.subnet = subnet;
    }

    /** Why namespaces cannot be made here, or null when they can (root, iproute2 with netns). */
    static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root";
        }
        if (!Shell.onPath("ip")) {
            return "iproute2 ('ip') is not installed";
        }
        Shell.Result r = ip("netns", "list");
        return r.ok() ? null : "'ip netns' is not available: " + r.output();
    }

    /**
     * Creates {@code count} hosts on {@code subnet} (three octets, e.g. {@code 10.251.7}): the bridge
     * gets {@code .1}, host {@code i} (from 1) gets {@code .(10 + i)}. Removes leftovers first.
     */
    static Netns create(int count, String subnet) {
        removeAll();
        Netns n = new Netns(subnet);
        Runtime.getRuntime().addShutdownHook(n.shutdownHook);
        try {
            ip("link", "add", BRIDGE, "type", "bridge").orThrow();
            ip("addr", "add", n.bridgeAddress() + "/24", "dev", BRIDGE).orThrow();
            ip("link", "set", BRIDGE, "up").orThrow();
            for (int i = 1; i <= count; i++) {
                Host h = new Host(PREFIX + "-host" + i, PREFIX + "h" + i, subnet + "." + (10 + i));
                String peer = PREFIX + "n" + i;
                ip("netns", "add", h.namespace()).orThrow();
                ip("link", "add", h.hostLink(), "type", "veth", "peer", "name", peer).orThrow();
                ip("link", "set", peer, "netns", h.namespace()).orThrow();
                ip("link", "set", h.hostLink(), "master", BRIDGE).orThrow();
                ip("link", "set", h.hostLink(), "up").orThrow();
                ip("-n", h.namespace(), "addr", "add", h.address() + "/24", "dev", peer).orThrow();
                ip("-n", h.namespace(), "link", "set", peer, "up").orThrow();
                ip("-n", h.namespace(), "link", "set", "lo", "up").orThrow();
                n.hosts.add(h);
            }
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** The root namespace's address on the bridge: the only address the hosts can reach. */
    String bridgeAddress() {
        return subnet + ".1";
    }

    List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** Cuts the host off: its veth's root end goes down, so nothing passes either way. */
    void linkDown(Host h) {
        ip("link", "set", h.hostLink(), "down").orThrow();
    }

    void linkUp(Host h) {
        ip("link", "set", h.hostLink(), "up").orThrow();
    }

    /** {@code command}, prefixed to run inside the host's namespace. */
    static List<String> inside(Host h, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", h.namespace()));
        cmd.addAll(command);
        return cmd;
    }

    /** Removes the bridge and every namespace this class creates. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down already; the hook does the same
        }
    }

    /** Deletes every namespace and link named with the prefix (deleting a namespace deletes its veth pair). */
    static void removeAll() {
        Shell.Result ns = ip("netns", "list");
        if (ns.ok()) {
            for (String line : ns.output().lines().toList()) {
                String name = line.split("\\s+")[0];
                if (name.startsWith(PREFIX + "-")) {
                    ip("netns", "delete", name);
                }
            }
        }
        Shell.Result links = ip("-o", "link", "show");
        if (links.ok()) {
            for (String line : links.output().lines().toList()) {
                // "12: mlxh1@if11: <...>" -> mlxh1
                String[] parts = line.split(":\\s+", 3);
                if (parts.length > 1) {
                    String name = parts[1].split("@")[0];
                    if (name.startsWith(PREFIX) && name.length() <= 15) {
                        ip("link", "delete", name);
                    }
                }
            }
        }
    }

    private static Shell.Result ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        return Shell.run(IP_TIMEOUT, Map.of(), Path.of("/"), cmd);
    }
}
