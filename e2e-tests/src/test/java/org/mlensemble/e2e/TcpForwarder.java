package org.mlensemble.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Listens on one address of the test's network and relays every connection, byte for byte, to a
 * loopback target (the broker's AMQP port). The hosts of {@link Netns} reach the broker through it,
 * so the path between a learner and the broker really crosses their veth. It adds no behaviour of
 * its own: it closes one side when the other side closes, and nothing else.
 */
final class TcpForwarder implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    private TcpForwarder(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Starts forwarding from {@code listenHost} (an ephemeral port) to {@code target}. */
    static TcpForwarder start(String listenHost, InetSocketAddress target) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(listenHost), 0), 50);
        TcpForwarder f = new TcpForwarder(s, target);
        Thread t = new Thread(f::acceptLoop, "forwarder-accept");
        t.setDaemon(true);
        t.start();
        return f;
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (a reconnect shows up as one more). */
    int accepted() {
        return accepted.get();
    }

    /** Relayed connections still open whose client has {@code address}. */
    long openFrom(String address) {
        return clients.stream().filter(c -> !c.isClosed())
                .filter(c -> c.getInetAddress() != null && c.getInetAddress().getHostAddress().equals(address)).count();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 3000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            clients.add(client);
            pump(client, upstream, "forwarder-up");
            pump(upstream, client, "forwarder-down");
        }
    }

    private void pump(Socket from, Socket to, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side went away: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
                clients.remove(from);
                clients.remove(to);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
        clients.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
