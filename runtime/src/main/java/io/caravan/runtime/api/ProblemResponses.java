package io.caravan.runtime.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP answers for what went wrong, as {@code application/problem+json} (RFC 9457), for the API and the webhooks. */
public final class ProblemResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

    private ProblemResponses() {
    }

    /** What a failure means for the caller: its own mistake (4xx), a dependency down (503), or ours (500). */
    public static ApiException of(Exception e, Exchange exchange) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            if (t instanceof io.caravan.connectors.storage.ObjectStore.ObjectStoreException) {
                LOG.warn("object store unavailable: {}", t.getMessage());
                return new ApiException(503, "Service Unavailable", "the object store cannot be reached; try again", null);
            }
            if (t instanceof java.sql.SQLException) {
                return database(e);
            }
        }
        LOG.error("{} {} failed", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                exchange.getMessage().getHeader(Exchange.HTTP_PATH), e);
        return new ApiException(500, "Internal Server Error", "the request could not be completed; see the server log", null);
    }

    /**
     * A database refusal: a value it cannot hold (SQLSTATE class 22, e.g. a NUL character) is the
     * request's fault; a database that cannot be reached is a 503; anything else is ours.
     */
    private static ApiException database(Exception e) {
        String state = null;
        for (Throwable t = e; t != null && state == null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                state = sql.getSQLState();
            }
        }
        String clazz = state == null || state.length() < 2 ? "" : state.substring(0, 2);
        return switch (clazz) {
            case "22" -> ApiException.badRequest("a value in the request cannot be stored (SQLSTATE " + state + ")", null);
            case "08", "53", "57" -> new ApiException(503, "Service Unavailable", "the database cannot be reached; try again", null);
            default -> {
                LOG.error("database error", e);
                yield new ApiException(500, "Internal Server Error", "the request could not be completed; see the server log", null);
            }
        };
    }

    /** Answers the exchange with the problem. */
    public static void write(Exchange exchange, ApiException e, ObjectMapper json) throws Exception {
        ObjectNode body = json.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", e.title());
        body.put("status", e.status());
        body.put("detail", e.getMessage());
        body.put("instance", exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class));
        var errors = body.putArray("errors");
        for (Problem p : e.errors()) {
            errors.addObject().put("path", p.path()).put("message", p.message());
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, e.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, ApiRoutes.PROBLEM_JSON);
        if (e.status() == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        exchange.getMessage().setBody(json.writeValueAsString(body));
    }
}
