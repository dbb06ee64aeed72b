package io.caravan.runtime.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Several Caravan JVMs against one shared PostgreSQL and S3 ({@link SharedServices}), all under
 * one temporary directory that {@link #close()} removes after killing every node and stopping
 * the servers. Logs go to {@code target/cluster-logs/<name>-<node>-<n>.log} ({@code n} counts the
 * clusters of this JVM) and stay there.
 *
 * <p>Use it with try-with-resources, or as {@code @RegisterExtension} field: then it is closed
 * after each test and, when a test fails, prints where its logs are and how they end.
 */
public final class Cluster implements AutoCloseable, AfterEachCallback, TestWatcher {

    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private final String name;
    private final int number = CLUSTERS.incrementAndGet();
    private final Path logDir = Path.of("target", "cluster-logs").toAbsolutePath();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private Path root;
    private SharedServices services;
    private boolean closed;

    /** A cluster named after the test (the name goes into its log file names); nothing runs yet. */
    public Cluster(String name) {
        this.name = name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /**
     * Starts the shared services (the first time) and {@code count} more nodes with {@code env}
     * added to each one's environment; the nodes start side by side and this returns when all are healthy.
     */
    public synchronized Cluster start(int count, Map<String, String> env) throws Exception {
        try {
            return startNodes(count, env);
        } catch (Exception | Error e) {
            // a try-with-resources never sees a cluster whose start threw: nothing may stay running
            try {
                close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private Cluster startNodes(int count, Map<String, String> env) throws Exception {
        if (closed) {
            throw new IllegalStateException("cluster " + name + " is closed");
        }
        if (services == null) {
            root = Files.createTempDirectory("caravan-cluster");
            services = SharedServices.start(root, logDir.resolve(name + "-postgres-" + number + ".log"));
        }
        List<NodeProcess> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NodeProcess node = newNode(env);
            added.add(node);
        }
        // a JVM start is mostly waiting on class loading and the database: overlapping them saves
        // seconds. One thread per node (not the common pool, which may have a single thread)
        ExecutorService starter = Executors.newFixedThreadPool(Math.max(1, added.size()));
        try {
            List<Future<NodeProcess>> starting = new ArrayList<>();
            for (NodeProcess node : added) {
                starting.add(starter.submit(node::start));
            }
            for (Future<NodeProcess> f : starting) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            // after a failure this interrupts the starts still waiting, so close() can kill them now
            starter.shutdownNow();
        }
        return this;
    }

    /** Adds one more node with {@code env} added to its environment, started and healthy. */
    public synchronized NodeProcess addNode(Map<String, String> env) throws Exception {
        if (services == null || closed) {
            throw new IllegalStateException("start the cluster first");
        }
        return newNode(env).start();
    }

    /** The i-th node (0-based; its node id is {@code n<i+1>}). */
    public synchronized NodeProcess node(int i) {
        return nodes.get(i);
    }

    /** All nodes, running or not, in the order they were added. */
    public synchronized List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** Waits until every running node has loaded the job (nodes sync jobs made elsewhere every 2 s). */
    public void awaitJobEverywhere(String jobId) throws IOException, InterruptedException {
        for (NodeProcess node : nodes()) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (node.alive() && node.call("GET", "/api/v1/jobs/" + jobId + "/route", null).status() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("job " + jobId + " not loaded on " + node.nodeId() + " within 10 s");
                }
                Thread.sleep(100);
            }
        }
    }

    /** The shared PostgreSQL and S3. */
    public synchronized SharedServices services() {
        if (services == null) {
            throw new IllegalStateException("start the cluster first");
        }
        return services;
    }

    /** The log files of this cluster: PostgreSQL's, then each node's. */
    public synchronized List<Path> logFiles() {
        List<Path> files = new ArrayList<>();
        if (services != null) {
            files.add(services.postgresLog());
        }
        nodes.forEach(n -> files.add(n.logFile()));
        return files;
    }

    /** Kills every node still running, stops the servers and removes the temporary directory; safe to call twice. */
    @Override
    public synchronized void close() throws Exception {
        closed = true; // the nodes and services stay known, so that their logs can still be named
        Exception failure = null;
        for (NodeProcess node : nodes) {
            try {
                node.close();
            } catch (Exception e) {
                failure = add(failure, e);
            }
        }
        if (services != null) {
            try {
                services.close();
            } catch (Exception e) {
                failure = add(failure, e);
            }
        }
        if (root != null) {
            try {
                deleteTree(root);
                root = null;
            } catch (IOException | UncheckedIOException e) {
                failure = add(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** As an extension: closes the cluster after each test. */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    /** As an extension: a failed test prints where the logs are and how each node's ends. */
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        StringBuilder report = new StringBuilder("\n===== cluster logs of " + context.getDisplayName() + " =====\n");
        for (Path file : logFiles()) {
            report.append(file).append('\n');
        }
        for (NodeProcess node : nodes()) {
            try {
                report.append("----- end of ").append(node.logFile().getFileName()).append(" -----\n")
                        .append(node.logTail(25)).append('\n');
            } catch (IOException e) {
                report.append("(cannot read it: ").append(e.getMessage()).append(")\n");
            }
        }
        System.err.println(report);
    }

    private NodeProcess newNode(Map<String, String> env) throws IOException {
        String id = "n" + (nodes.size() + 1);
        NodeProcess node = new NodeProcess(id, services, root.resolve(id),
                logDir.resolve(name + "-" + id + "-" + number + ".log"), env);
        nodes.add(node);
        return node;
    }

    private static Exception add(Exception first, Exception next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
