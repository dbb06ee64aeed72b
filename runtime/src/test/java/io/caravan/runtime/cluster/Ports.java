package io.caravan.runtime.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that the harness stops and starts again on the same port (PostgreSQL, S3,
 * a restarted node). They are taken below the kernel's ephemeral range: a port from
 * {@code new ServerSocket(0)} is an ephemeral one, and while its server is down any outgoing
 * connection on the machine may be given it as its local port, so the restart would fail with
 * "address in use". Below the range only a listening server can hold a port.
 */
final class Ports {

    /** Ports already handed out by this JVM, so two servers of one cluster never get the same one. */
    private static final Set<Integer> TAKEN = ConcurrentHashMap.newKeySet();
    private static final int LOWEST = 10_000;

    private Ports() {
    }

    /** A port nothing listens on now, outside the ephemeral range when the kernel tells us where that is. */
    static int free() throws IOException {
        int ephemeralStart = ephemeralRangeStart();
        if (ephemeralStart - LOWEST < 1_000) {
            // no room below the range (or not Linux): fall back to what the kernel picks
            try (ServerSocket s = new ServerSocket(0)) {
                TAKEN.add(s.getLocalPort());
                return s.getLocalPort();
            }
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
            if (!TAKEN.contains(port) && bindable(port) && TAKEN.add(port)) {
                return port;
            }
        }
        throw new IOException("no free port found in " + LOWEST + ".." + (ephemeralStart - 1));
    }

    /** Whether a connection to 127.0.0.1:port is refused now. */
    static boolean closed(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) { // a timeout: something holds the port but does not answer
            return false;
        }
    }

    /** Waits until connections to the port are refused; false if they are still accepted after {@code timeout}. */
    static boolean awaitClosed(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed(port)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static boolean bindable(int port) {
        // the wildcard address conflicts with a listener on any address, 127.0.0.1 included
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralRangeStart() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        // one read into a big buffer: Files.readString sees size 0, reads one byte first, and a
        // sysctl file answers a read at offset 1 with end of file, so it returned "3" for "32768"
        try (InputStream in = Files.newInputStream(range)) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return Integer.parseInt(text.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
