package io.caravan.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real HTTP server on 127.0.0.1 for steps to call: fixed JSON answers, and gates that hold a call. */
final class Stub implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> arrived = new ConcurrentHashMap<>();
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();
    /** The Authorization header /echo got last. */
    volatile String lastAuthorization;

    Stub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/items", ex -> reply(ex, 200,
                "{\"items\":[{\"id\":1,\"name\":\"widget-41\"},{\"id\":2,\"name\":\"widget-42\"},{\"id\":3,\"name\":\"widget-43\"}]}"));
        server.createContext("/fail", ex -> reply(ex, 500, "{\"error\":\"stub is down\"}"));
        // answers with the Authorization header it got: what a careless partner API might echo
        server.createContext("/echo", ex -> {
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            reply(ex, 200, "{\"authorization\":\"" + String.valueOf(lastAuthorization).replace("\"", "") + "\"}");
        });
        server.createContext("/once/", ex -> { // fails the first call of each name, then answers
            String name = ex.getRequestURI().getPath().substring("/once/".length());
            boolean first = calls.merge("once/" + name, 1, Integer::sum) == 1;
            reply(ex, first ? 500 : 200, first ? "{\"error\":\"first call fails\"}" : "{\"ok\":true}");
        });
        server.createContext("/flaky/", ex -> { // 503 with Retry-After for the first two calls of each name
            String name = ex.getRequestURI().getPath().substring("/flaky/".length());
            if (calls.merge(name, 1, Integer::sum) <= 2) {
                ex.getResponseHeaders().add("Retry-After", "0");
                reply(ex, 503, "{\"error\":\"busy\"}");
            } else {
                reply(ex, 200, "{\"calls\":" + calls.get(name) + "}");
            }
        });
        server.createContext("/hold/", ex -> {
            String name = ex.getRequestURI().getPath().substring("/hold/".length());
            arrived(name).countDown();
            try {
                gate(name).await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "{\"released\":\"" + name + "\"}");
        });
        server.start();
    }

    /** Adds an answer of the test's own: {@code handler} answers calls under {@code path}. */
    void on(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Waits until a call reaches the gate. */
    boolean awaitArrival(String name) throws InterruptedException {
        return arrived(name).await(30, TimeUnit.SECONDS);
    }

    void release(String name) {
        gate(name).countDown();
    }

    private CountDownLatch gate(String name) {
        return gates.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    private CountDownLatch arrived(String name) {
        return arrived.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        gates.values().forEach(CountDownLatch::countDown);
        server.stop(0);
    }
}
