package io.caravan.runtime.access;

import io.caravan.runtime.store.Database;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log (table {@code audit_log}, append-only): every API call that changes something —
 * or runs, cancels or retries an execution — with who made it, when, from where, what it
 * touched and how it was answered, refusals included. It is written once the answer is known.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** The exchange property naming the API action a call reached (the route's name). */
    public static final String ACTION = "caravan.action";
    /** The exchange property naming what the call touched (a job id, a name), read before the handler runs. */
    public static final String TARGET = "caravan.target";
    /** The exchange property naming the namespace of what the call touched; absent for what belongs to none. */
    public static final String NAMESPACE = "caravan.namespace";
    private static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";

    private final Database db;
    private final String nodeId;

    public AuditLog(Database db, String nodeId) {
        this.db = db;
        this.nodeId = nodeId;
    }

    /** One entry of the log. */
    public record Entry(long id, Instant at, String actor, String tokenId, String action, String method, String path,
            String namespace, String target, int status, String source, String nodeId) {
    }

    /** Which entries to list: any of the filters may be null; newest first, before {@code beforeId} when given. */
    public record Query(String actor, String action, String target, Instant since, Instant until, Long beforeId,
            int limit, io.caravan.runtime.store.NamespaceFilter namespaces) {
    }

    /**
     * Records the call on {@code exchange} once it is answered, when it changes something (any
     * method but GET and HEAD). Called when the caller is known, so unauthenticated calls,
     * which name nobody, are not recorded.
     */
    public void recordWhenDone(Exchange exchange, Principal who) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        if (method == null || "GET".equals(method) || "HEAD".equals(method)) {
            return;
        }
        String path = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        Object remote = exchange.getMessage().getHeader(REMOTE_ADDRESS);
        String source = remote == null ? null : remote.toString();
        exchange.getExchangeExtension().addOnCompletion(new Synchronization() {
            @Override
            public void onComplete(Exchange done) {
                write(done, who, method, path, source);
            }

            @Override
            public void onFailure(Exchange done) {
                write(done, who, method, path, source);
            }
        });
    }

    private void write(Exchange done, Principal who, String method, String path, String source) {
        Integer status = done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String action = done.getProperty(ACTION, "unmatched", String.class);
        try {
            db.jdbc().update("insert into audit_log (actor, token_id, action, method, path, namespace, target, status,"
                    + " source, node_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", who.name(), who.tokenId(), action,
                    method, path == null ? "" : path, done.getProperty(NAMESPACE, String.class), done.getProperty(TARGET, String.class),
                    status == null ? (done.isFailed() ? 500 : 200) : status, source, nodeId);
        } catch (RuntimeException e) { // the answer is given already; losing the entry is logged loudly
            LOG.error("audit entry not written ({} {} by {} answered {}): {}", method, path, who.name(), status,
                    e.getMessage());
        }
    }

    /** Entries matching the query, newest first. */
    public List<Entry> list(Query q) {
        return db.jdbc().query("select id, at, actor, token_id, action, method, path, namespace, target, status, source,"
                + " node_id from audit_log where (?::text is null or actor = ?) and (?::text is null or action = ?)"
                + " and (?::text is null or target = ?)"
                + " and (?::timestamptz is null or at >= ?) and (?::timestamptz is null or at < ?)"
                + " and (?::bigint is null or id < ?)"
                // an admin of some namespaces sees what touched them, not what touched none
                + " and (?::text is null or namespace = any(string_to_array(?::text, ',')))"
                + " order by id desc limit ?",
                (rs, n) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getInt(10), rs.getString(11), rs.getString(12)),
                q.actor(), q.actor(), q.action(), q.action(), q.target(), q.target(), ts(q.since()), ts(q.since()),
                ts(q.until()), ts(q.until()), q.beforeId(), q.beforeId(), q.namespaces().parameter(),
                q.namespaces().parameter(), q.limit());
    }

    private static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
