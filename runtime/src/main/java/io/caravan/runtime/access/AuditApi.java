package io.caravan.runtime.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.Replies;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/audit?actor=&action=&target=&since=&until=&before=&limit=}: the audit log,
 * newest first, a page at a time ({@code next} names the {@code before} of the next page).
 */
public final class AuditApi {

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final AuditLog log;
    private final ObjectMapper json;

    public AuditApi(AuditLog log, ObjectMapper json) {
        this.log = log;
        this.json = json;
    }

    public void list(Exchange e) throws Exception {
        List<Problem> problems = new ArrayList<>();
        Long limit = number(e, "limit", MAX_LIMIT, problems);
        AuditLog.Query q = new AuditLog.Query(text(e, "actor"), text(e, "action"), text(e, "target"),
                instant(e, "since", problems), instant(e, "until", problems), number(e, "before", Long.MAX_VALUE, problems),
                limit == null ? DEFAULT_LIMIT : limit.intValue(), e.getProperty(Tokens.PRINCIPAL, Principal.class).visible(Role.ADMIN));
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("the query cannot be read", problems);
        }
        List<AuditLog.Entry> entries = log.list(q);
        ObjectNode out = json.createObjectNode();
        var items = out.putArray("items");
        for (AuditLog.Entry entry : entries) {
            ObjectNode item = items.addObject();
            item.put("id", entry.id());
            item.put("at", entry.at().toString());
            item.put("actor", entry.actor());
            item.put("token_id", entry.tokenId());
            item.put("action", entry.action());
            item.put("method", entry.method());
            item.put("path", entry.path());
            item.put("namespace", entry.namespace());
            item.put("target", entry.target());
            item.put("status", entry.status());
            item.put("source", entry.source());
            item.put("node_id", entry.nodeId());
        }
        out.put("next", entries.size() == q.limit() ? String.valueOf(entries.get(entries.size() - 1).id()) : null);
        Replies.json(e, 200, out, json);
    }

    private static String text(Exchange e, String name) {
        String value = e.getMessage().getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value;
    }

    private static Instant instant(Exchange e, String name, List<Problem> problems) {
        String value = text(e, name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException bad) {
            problems.add(new Problem("query." + name, "must be an instant like 2026-11-23T00:00:00Z"));
            return null;
        }
    }

    private static Long number(Exchange e, String name, long max, List<Problem> problems) {
        String value = text(e, name);
        try {
            Long n = value == null ? null : Long.valueOf(value);
            if (n != null && (n < 1 || n > max)) {
                problems.add(new Problem("query." + name, "must be between 1 and " + max));
            }
            return n;
        } catch (NumberFormatException bad) {
            problems.add(new Problem("query." + name, "must be a whole number"));
            return null;
        }
    }
}
