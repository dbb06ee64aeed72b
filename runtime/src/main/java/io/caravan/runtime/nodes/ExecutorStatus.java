package io.caravan.runtime.nodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.Replies;
import io.caravan.runtime.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code GET /api/v1/executor/status?top=}: the cluster's workers and queue. Each node that is
 * alive, or that still holds running executions, with its workers (total, busy, idle: this node's
 * counted now, another's as its last heartbeat said, at most {@link NodeHeartbeat#INTERVAL} ago)
 * and the executions running there; the queue's totals, the age of its oldest queued execution,
 * and the {@code top} jobs (default 10) with the most queued.
 */
public final class ExecutorStatus {

    private static final int DEFAULT_TOP = 10;
    private static final int MAX_TOP = 100;

    private final JdbcTemplate jdbc;
    private final String nodeId;
    private final int workers;
    private final IntSupplier busy;
    private final ObjectMapper json;

    /**
     * @param workers how many workers this node has
     * @param busy how many of them are running an execution now
     */
    public ExecutorStatus(Database db, String nodeId, int workers, IntSupplier busy, ObjectMapper json) {
        this.jdbc = db.jdbc();
        this.nodeId = nodeId;
        this.workers = workers;
        this.busy = busy;
        this.json = json;
    }

    /** Answers the request with the status. */
    public void status(Exchange e) throws Exception {
        int top = top(e.getMessage().getHeader("top", String.class));
        ObjectNode out = json.createObjectNode();
        ArrayNode nodes = nodes();
        out.set("workers", totals(nodes));
        out.set("nodes", nodes);
        out.set("queue", queue(top));
        Replies.json(e, 200, out, json);
    }

    private ArrayNode nodes() {
        ArrayNode nodes = json.createArrayNode();
        jdbc.query("with running as (select node_id, count(*) as running from executions where status = 'RUNNING'"
                + " group by node_id)"
                + " select n.id, n.last_heartbeat, n.workers, n.workers_busy, coalesce(r.running, 0) as running,"
                + " n.stopped_at is null and n.last_heartbeat > now() - make_interval(secs => ?) as alive"
                + " from nodes n left join running r on r.node_id = n.id"
                + " where (n.stopped_at is null and n.last_heartbeat > now() - make_interval(secs => ?))"
                + " or r.running is not null order by n.id", rs -> {
                    nodes.add(node(rs));
                }, (double) NodeHeartbeat.EXPIRY.toSeconds(), (double) NodeHeartbeat.EXPIRY.toSeconds());
        return nodes;
    }

    private ObjectNode node(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        boolean alive = rs.getBoolean("alive");
        boolean here = id.equals(nodeId);
        ObjectNode node = json.createObjectNode().put("id", id).put("alive", alive).put("this_node", here)
                .put("last_heartbeat", rs.getTimestamp("last_heartbeat").toInstant().toString());
        Integer total = here ? Integer.valueOf(workers) : rs.getObject("workers", Integer.class);
        Integer busyNow = here ? Integer.valueOf(busy.getAsInt()) : rs.getObject("workers_busy", Integer.class);
        if (alive && total != null && busyNow != null) { // a gone node's last figures say nothing now
            node.putObject("workers").put("total", total).put("busy", busyNow).put("idle", Math.max(0, total - busyNow));
        } else {
            node.putNull("workers");
        }
        node.put("running", rs.getLong("running"));
        return node;
    }

    /** The workers of the nodes that report theirs. */
    private ObjectNode totals(ArrayNode nodes) {
        int total = 0;
        int busyNow = 0;
        for (var node : nodes) {
            total += node.path("workers").path("total").asInt(0);
            busyNow += node.path("workers").path("busy").asInt(0);
        }
        return json.createObjectNode().put("total", total).put("busy", busyNow).put("idle", Math.max(0, total - busyNow));
    }

    private ObjectNode queue(int top) {
        ObjectNode queue = jdbc.queryForObject("select count(*) filter (where status = 'QUEUED') as queued,"
                + " count(*) filter (where status = 'RUNNING') as running,"
                + " min(created_at) filter (where status = 'QUEUED') as oldest,"
                + " extract(epoch from now() - min(created_at) filter (where status = 'QUEUED')) as oldest_age"
                + " from executions where status in ('QUEUED', 'RUNNING')", (rs, n) -> {
                    ObjectNode q = json.createObjectNode().put("queued", rs.getLong("queued"))
                            .put("running", rs.getLong("running"));
                    q.put("oldest_queued_at", instant(rs.getTimestamp("oldest")));
                    double age = rs.getDouble("oldest_age");
                    if (rs.wasNull()) {
                        q.putNull("oldest_queued_age_seconds");
                    } else {
                        q.put("oldest_queued_age_seconds", Math.max(0, Math.round(age * 1000) / 1000.0));
                    }
                    return q;
                });
        ArrayNode byJob = queue.putArray("by_job");
        jdbc.query("select job_id, count(*) filter (where status = 'QUEUED') as queued,"
                + " count(*) filter (where status = 'RUNNING') as running,"
                + " min(created_at) filter (where status = 'QUEUED') as oldest"
                + " from executions where status in ('QUEUED', 'RUNNING') group by job_id"
                + " order by queued desc, running desc, job_id limit ?", rs -> {
                    byJob.addObject().put("job_id", rs.getString("job_id")).put("queued", rs.getLong("queued"))
                            .put("running", rs.getLong("running")).put("oldest_queued_at", instant(rs.getTimestamp("oldest")));
                }, top);
        return queue;
    }

    private static String instant(Timestamp at) {
        return at == null ? null : at.toInstant().toString();
    }

    private static int top(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_TOP;
        }
        try {
            int top = Integer.parseInt(raw.strip());
            if (top >= 1 && top <= MAX_TOP) {
                return top;
            }
        } catch (NumberFormatException notNumber) {
            // answered below
        }
        throw ApiException.badRequest("top must be a whole number from 1 to " + MAX_TOP,
                List.of(new Problem("query.top", "must be a whole number from 1 to " + MAX_TOP + ", got '" + raw + "'")));
    }
}
