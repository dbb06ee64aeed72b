package io.caravan.runtime.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.runtime.access.Access;
import io.caravan.runtime.access.Principal;
import io.caravan.runtime.access.Tokens;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.ExecutionStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What changes while one watches, on the API's port:
 * <ul>
 * <li>{@code GET /api/v1/executions/{id}/logs?after=&limit=} — a page of an execution's log as
 * JSON; with {@code follow=true} (or {@code Accept: text/event-stream}) the lines as server-sent
 * events as they are written, until the execution has ended ({@code event: end});</li>
 * <li>{@code GET /api/v1/events?job=} — every status change of every execution in the cluster
 * (relayed from PostgreSQL's {@code caravan_events} channel) as server-sent events.</li>
 * </ul>
 * They are Vert.x routes beside Camel's (a Camel exchange answers once; a stream answers for as
 * long as it is open), with the same bearer token and roles as every API call.
 */
public final class LiveStreams {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);
    private static final long POLL_MILLIS = 500;
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    /** Open streams per node; more are refused with 503 rather than slowing every other one. */
    private static final int MAX_STREAMS = 256;
    private static final Set<String> LIVE = Set.of("QUEUED", "RUNNING");

    private final ExecutionLogs logs;
    private final ExecutionStore executions;
    private final Tokens tokens;
    private final ObjectMapper json;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private Vertx vertx;

    private record Subscriber(HttpServerResponse response, Context context, String job,
            io.caravan.runtime.store.NamespaceFilter visible) {
    }

    public LiveStreams(ExecutionLogs logs, ExecutionStore executions, Tokens tokens, ObjectMapper json) {
        this.logs = logs;
        this.executions = executions;
        this.tokens = tokens;
        this.json = json;
    }

    /** Adds the routes to the API's router; before the route that answers unknown paths. */
    public void register(CamelContext camel, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(camel, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(camel);
        }
        if (router == null) {
            throw new IllegalStateException("the HTTP server's router is not in the registry; the log and event streams cannot be served");
        }
        vertx = router.vertx();
        router.route(HttpMethod.GET, "/api/v1/executions/:id/logs").handler(this::logs);
        router.route(HttpMethod.GET, "/api/v1/events").handler(this::events);
    }

    /** Relays a status change (the JSON payload of {@code caravan_events}) to the open event streams. */
    public void publish(String payload) {
        if (subscribers.isEmpty() || payload == null) {
            return;
        }
        String job;
        try {
            job = json.readTree(payload).path("job_id").asText(null);
        } catch (java.io.IOException e) {
            return;
        }
        String frame = "event: status\ndata: " + payload + "\n\n";
        for (Subscriber s : subscribers) {
            if ((s.job() == null || s.job().equals(job)) && job != null && s.visible().admits(job)) {
                s.context().runOnContext(v -> write(s.response(), frame));
            }
        }
    }

    private void logs(RoutingContext rc) {
        authorize(rc, "executions.logs", who -> {
            UUID id = uuid(rc.pathParam("id"));
            Optional<ExecutionRow> row = id == null ? Optional.empty() : executions.row(id);
            if (row.isEmpty()) {
                throw ApiException.notFound("no execution '" + rc.pathParam("id") + "'");
            }
            Access.VIEW.check(who, "executions.logs", io.caravan.job.model.Namespaces.of(row.get().jobId()));
            return row.get();
        }, row -> {
            long after = number(rc, "after", 0);
            boolean follow = "true".equals(rc.queryParams().get("follow"))
                    || String.valueOf(rc.request().getHeader("Accept")).contains("text/event-stream");
            if (follow) {
                String last = rc.request().getHeader("Last-Event-ID");
                follow(rc, row.id(), last != null && last.matches("\\d{1,18}") ? Long.parseLong(last) : after);
            } else {
                page(rc, row, after, (int) Math.min(1000, Math.max(1, number(rc, "limit", 500))));
            }
        });
    }

    private void page(RoutingContext rc, ExecutionRow row, long after, int limit) {
        vertx.executeBlocking(() -> logs.read(row.id(), after, limit)).onComplete(read -> {
            if (read.failed()) {
                problem(rc, unavailable(read.cause()));
                return;
            }
            ObjectNode out = json.createObjectNode();
            var items = out.putArray("items");
            long last = after;
            for (ExecutionLogs.Line line : read.result()) {
                items.add(view(line));
                last = line.id();
            }
            out.put("next_after", last);
            out.put("ended", !LIVE.contains(row.status()));
            rc.response().putHeader("Content-Type", "application/json").end(out.toString());
        });
    }

    /** Streams the lines after {@code after}; ends once the execution has ended and no line came for a poll more. */
    private void follow(RoutingContext rc, UUID id, long after) {
        HttpServerResponse response = stream(rc);
        if (response == null) {
            return;
        }
        long[] cursor = {after};
        int[] quietAfterEnd = {0};
        long[] lastWrite = {System.currentTimeMillis()};
        long timer = vertx.setPeriodic(POLL_MILLIS, t -> vertx.executeBlocking(() -> {
            List<ExecutionLogs.Line> lines = logs.read(id, cursor[0], 500);
            boolean ended = lines.isEmpty() && executions.row(id).map(r -> !LIVE.contains(r.status())).orElse(true);
            return new Poll(lines, ended);
        }).onComplete(poll -> {
            if (response.closed() || response.ended()) {
                vertx.cancelTimer(t);
                return;
            }
            if (poll.failed()) { // the database is away: the stream waits, as the execution does
                return;
            }
            for (ExecutionLogs.Line line : poll.result().lines()) {
                write(response, "id: " + line.id() + "\nevent: log\ndata: " + view(line) + "\n\n");
                cursor[0] = line.id();
                lastWrite[0] = System.currentTimeMillis();
            }
            if (poll.result().ended() && ++quietAfterEnd[0] >= 2) { // lines are written up to 200 ms after the end
                vertx.cancelTimer(t);
                response.end("event: end\ndata: {}\n\n");
            } else if (System.currentTimeMillis() - lastWrite[0] > KEEP_ALIVE_MILLIS) {
                write(response, ": keep-alive\n\n");
                lastWrite[0] = System.currentTimeMillis();
            }
        }));
        Runnable release = once(() -> {
            vertx.cancelTimer(timer);
            open.decrementAndGet();
        });
        response.closeHandler(v -> release.run()); // the client went away
        response.endHandler(v -> release.run()); // the execution ended
    }

    /** A task that runs the first time only: a stream is both ended and, later, its connection closed. */
    private static Runnable once(Runnable task) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                task.run();
            }
        };
    }

    private record Poll(List<ExecutionLogs.Line> lines, boolean ended) {
    }

    private void events(RoutingContext rc) {
        authorize(rc, "events", who -> who, who -> {
            HttpServerResponse response = stream(rc);
            if (response == null) {
                return;
            }
            Subscriber s = new Subscriber(response, Vertx.currentContext(), rc.queryParams().get("job"),
                    who.visible(io.caravan.runtime.access.Role.VIEWER));
            subscribers.add(s);
            long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MILLIS, t -> write(response, ": keep-alive\n\n"));
            Runnable release = once(() -> {
                subscribers.remove(s);
                vertx.cancelTimer(keepAlive);
                open.decrementAndGet();
            });
            response.closeHandler(v -> release.run());
            response.endHandler(v -> release.run());
            write(response, ": listening for status changes\n\n");
        });
    }

    /** Starts an event stream, or answers 503 when this node has too many open; null then. */
    private HttpServerResponse stream(RoutingContext rc) {
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            problem(rc, new ApiException(503, "Service Unavailable", "this node has " + MAX_STREAMS
                    + " streams open; try again later or another node", null));
            return null;
        }
        HttpServerResponse response = rc.response();
        response.setChunked(true);
        response.putHeader("Content-Type", "text/event-stream");
        response.putHeader("Cache-Control", "no-store");
        response.putHeader("X-Accel-Buffering", "no"); // a proxy in front must not hold the events back
        return response;
    }

    /**
     * Checks the token and the role off the event loop (both read the database), then answers on
     * it: {@code lookup} finds what the call is about (null-safe refusals as ApiException),
     * {@code answer} answers.
     */
    private <T> void authorize(RoutingContext rc, String action, java.util.function.Function<Principal, T> lookup,
            java.util.function.Consumer<T> answer) {
        String header = rc.request().getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        vertx.executeBlocking(() -> {
            Principal who = tokens.principal(token);
            if (who == null) {
                throw ApiException.unauthorized(token == null ? "send Authorization: Bearer <token>" : "the token is not valid");
            }
            Access.VIEW_ANY.check(who, action, null); // a role somewhere; the lookup narrows it to where
            return lookup.apply(who);
        }).onComplete(done -> {
            if (done.failed()) {
                problem(rc, done.cause() instanceof ApiException api ? api : unavailable(done.cause()));
            } else {
                try {
                    answer.accept(done.result());
                } catch (ApiException refused) { // a bad query parameter
                    problem(rc, refused);
                }
            }
        });
    }

    private static ApiException unavailable(Throwable cause) {
        LOG.warn("a live stream could not be answered: {}", cause.getMessage());
        return new ApiException(503, "Service Unavailable", "the database cannot be reached; try again", null);
    }

    private void problem(RoutingContext rc, ApiException e) {
        ObjectNode body = json.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", e.title());
        body.put("status", e.status());
        body.put("detail", e.getMessage());
        body.put("instance", rc.request().path());
        body.putArray("errors");
        rc.response().setStatusCode(e.status()).putHeader("Content-Type", "application/problem+json").end(body.toString());
    }

    private JsonNode view(ExecutionLogs.Line line) {
        ObjectNode out = json.createObjectNode();
        out.put("id", line.id());
        out.put("at", line.at().toString());
        out.put("level", line.level());
        out.put("step", line.stepId());
        out.put("message", line.message());
        return out;
    }

    private static void write(HttpServerResponse response, String frame) {
        if (!response.closed() && !response.ended()) {
            response.write(frame);
        }
    }

    private static UUID uuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long number(RoutingContext rc, String name, long fallback) {
        String value = rc.queryParams().get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("\\d{1,18}")) {
            throw ApiException.badRequest("query parameter " + name + " must be a whole number, got '" + value + "'",
                    List.of(new io.caravan.job.validation.Problem("query." + name, "must be a whole number")));
        }
        return Long.parseLong(value);
    }
}
