package io.caravan.runtime.triggers;

import io.caravan.runtime.nodes.NodeHeartbeat;
import java.util.List;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which dropped files were taken, and which are still to be moved or deleted, shared by all nodes
 * ({@code file_drops} in PostgreSQL). As the SFTP consumers' idempotent repository, the node whose
 * insert wins takes the file. Our own table rather than camel-sql's, because a file's row must
 * also outlive a node that dies between taking it and enqueuing its execution (the row is then
 * released and the file taken again) and carry the retries of its disposal.
 */
public final class FileDropRepository extends ServiceSupport implements IdempotentRepository {

    /** A file whose execution has ended and that is still in place: where it is described. */
    public record Pending(String key, String execution, String trigger, String status) {
    }

    private final JdbcTemplate jdbc;
    private final String nodeId;

    /** The repository as node {@code nodeId} uses it. */
    public FileDropRepository(JdbcTemplate jdbc, String nodeId) {
        this.jdbc = jdbc;
        this.nodeId = nodeId;
    }

    @Override
    public boolean add(String key) {
        return jdbc.update("insert into file_drops (key, node_id) values (?, ?) on conflict do nothing", key, nodeId) == 1;
    }

    @Override
    public boolean contains(String key) {
        return Boolean.TRUE.equals(jdbc.queryForObject("select exists (select 1 from file_drops where key = ?)",
                Boolean.class, key));
    }

    /** Called when the intake failed: the file may be taken again. */
    @Override
    public boolean remove(String key) {
        return jdbc.update("delete from file_drops where key = ? and disposed_at is null", key) == 1;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Not offered: clearing it would take every file still on the servers again. */
    @Override
    public void clear() {
        throw new UnsupportedOperationException("the file drops repository is not cleared");
    }

    /**
     * Releases the files taken by a node that has stopped, or not beaten for {@link NodeHeartbeat#EXPIRY},
     * or has started again since, without an execution to show for them: the node died during the
     * intake, and the files are taken again.
     */
    public int releaseOrphans() {
        return jdbc.update("delete from file_drops d where d.disposed_at is null"
                + " and not exists (select 1 from executions e where e.trigger -> 'file' ->> 'key' = d.key)"
                + " and not exists (select 1 from nodes n where n.id = d.node_id and n.stopped_at is null"
                + " and n.started_at <= d.taken_at and n.last_heartbeat > now() - ? * interval '1 millisecond')",
                NodeHeartbeat.EXPIRY.toMillis());
    }

    /**
     * Claims the file of one ended execution for disposal (its next attempt put off by a backoff, in
     * case this node dies doing it); false when it is disposed already or another node has it.
     */
    public boolean claim(String key) {
        return jdbc.update("update file_drops set attempts = attempts + 1, next_attempt_at = now() + "
                + BACKOFF + " where key = ? and disposed_at is null and next_attempt_at <= now()", key) == 1;
    }

    /** Claims up to {@code limit} files whose executions ended some time ago and that are still in place. */
    public List<Pending> claimDue(int limit) {
        return jdbc.query("update file_drops d set attempts = attempts + 1, next_attempt_at = now() + " + BACKOFF
                + " from executions e where d.key in (select f.key from file_drops f join executions x"
                + " on x.trigger -> 'file' ->> 'key' = f.key"
                + " where f.disposed_at is null and f.next_attempt_at <= now()"
                + " and x.status not in ('QUEUED', 'RUNNING') and x.completed_at < now() - interval '30 seconds'"
                + " order by f.next_attempt_at limit ? for update of f skip locked)"
                + " and e.trigger -> 'file' ->> 'key' = d.key"
                + " returning d.key, e.id::text as id, e.trigger::text as trigger, e.status",
                (rs, i) -> new Pending(rs.getString("key"), rs.getString("id"), rs.getString("trigger"), rs.getString("status")), limit);
    }

    /** The file was moved or deleted (or was gone already). */
    public void disposed(String key) {
        jdbc.update("update file_drops set disposed_at = now(), last_error = null where key = ?", key);
    }

    /** The attempt failed; the claim's backoff stands and the reason is kept. */
    public void failed(String key, String error) {
        jdbc.update("update file_drops set last_error = ? where key = ?", error, key);
    }

    // 30 s, doubling per attempt, at most an hour
    private static final String BACKOFF = "least(interval '30 seconds' * power(2, least(attempts, 7)), interval '1 hour')";

    @Override
    protected void doStart() {
        // the table is Flyway's
    }

    @Override
    protected void doStop() {
        // nothing held
    }
}
