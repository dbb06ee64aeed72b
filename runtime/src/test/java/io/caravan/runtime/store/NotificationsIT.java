package io.caravan.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caravan.runtime.embedded.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifications: what makes an execution claimable notifies the queue's listeners, what
 * does not (a claim, a step's progress, a renewal, an ending) stays quiet; every status change
 * is an event; and a listener whose connection was killed listens again.
 */
class NotificationsIT {

    @TempDir
    static Path dir;
    private static EmbeddedDatabase pg;
    private static Database db;
    private static ExecutionStore store;
    private static Notifications listener;
    private static final Semaphore NOTIFIED = new Semaphore(0);
    private static final java.util.concurrent.BlockingQueue<String> EVENTS = new java.util.concurrent.LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedDatabase.start(dir.resolve("pg"));
        db = Database.open(pg.jdbcUrl(EmbeddedDatabase.CARAVAN_DB), "postgres", "postgres", 4, "notify-test");
        store = new ExecutionStore(db);
        listener = Notifications.listen(db, java.util.Map.of(
                Notifications.QUEUE, new Notifications.Channel(payload -> NOTIFIED.release(), NOTIFIED::release),
                Notifications.EVENTS, new Notifications.Channel(EVENTS::add, () -> { })));
        assertTrue(NOTIFIED.tryAcquire(10, TimeUnit.SECONDS), "once when it starts listening, for what was queued before");
    }

    @BeforeEach
    void listening() throws Exception {
        NOTIFIED.drainPermits();
        EVENTS.clear();
        quiet(300);
    }

    @AfterAll
    static void stop() throws Exception {
        listener.close();
        db.close();
        pg.close();
    }

    @Test
    void whatMakesAnExecutionClaimableNotifies() throws Exception {
        UUID id = enqueue();
        assertNotified("an insert QUEUED");
        Claim claim = store.claimNext("node-a", Set.of(), Duration.ofMinutes(1)).orElseThrow();
        assertEquals(id, claim.row().id());
        store.renew("node-a", java.util.List.of(claim.lease()), Duration.ofMinutes(1));
        store.stepStarted(claim.lease(), "s1", 1, java.time.Instant.now(), null);
        quiet(500);
        store.release(claim.lease());
        assertNotified("a lease let go of");
        Claim again = store.claimNext("node-b", Set.of(), Duration.ofMinutes(1)).orElseThrow();
        store.finish(again.lease(), "FAILED");
        quiet(500);
        assertTrue(store.requeueForRetry(id));
        assertNotified("a retry queued again");

        // every status change, on the events channel, in order: QUEUED, RUNNING, (released: none),
        // RUNNING again is no change, FAILED, QUEUED
        java.util.List<String> statuses = new java.util.ArrayList<>();
        for (String event = EVENTS.poll(5, TimeUnit.SECONDS); event != null; event = EVENTS.poll(500, TimeUnit.MILLISECONDS)) {
            assertTrue(event.contains("\"id\" : \"" + id + "\"") || event.contains("\"id\":\"" + id + "\""), event);
            statuses.add(event.replaceAll(".*\"status\" ?: ?\"([A-Z_]+)\".*", "$1"));
        }
        assertEquals(java.util.List.of("QUEUED", "RUNNING", "FAILED", "QUEUED"), statuses);
    }

    @Test
    void aRunOfALimitedJobThatEndsFreesASlotAndNotifies() throws Exception {
        db.jdbc().update("update executions set status = 'CANCELLED' where status in ('QUEUED', 'RUNNING')"); // the other tests' rows
        quiet(300);
        db.jdbc().update("insert into jobs (id, current_version, concurrency_limit, on_limit, definition_path)"
                + " values ('limited', 1, 1, 'queue', 'jobs/limited/definition.json')");
        UUID first = UUID.randomUUID();
        store.enqueue(first, "limited", 1, "{\"type\": \"manual\"}", "{}", 1, "jobs/limited/executions/" + first + "/context.json", 0);
        assertNotified("an insert QUEUED");
        Claim claim = store.claimNext("node-a", Set.of(), Duration.ofMinutes(1)).orElseThrow();
        assertEquals(first, claim.row().id());
        quiet(300);
        store.finish(claim.lease(), "SUCCESS");
        // the job's next queued run may start now: another node must hear of it, not wait for its poll
        assertNotified("a run of a limited job that ended");
        UUID other = enqueue();
        assertNotified("an insert QUEUED");
        Claim unlimited = store.claimNext("node-a", Set.of(), Duration.ofMinutes(1)).orElseThrow();
        assertEquals(other, unlimited.row().id());
        store.finish(unlimited.lease(), "SUCCESS");
        quiet(500); // a job without a limit frees no slot
    }

    @Test
    void aKilledConnectionListensAgainAndCallsOnce() throws Exception {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("select pg_terminate_backend(pid) from pg_stat_activity where query like 'listen%'"
                    + " and pid <> pg_backend_pid()");
        }
        assertNotified("listening again (what was queued meanwhile is looked for)");
        enqueue();
        assertNotified("an insert QUEUED after the reconnection");
        Optional<Claim> claim = store.claimNext("node-a", Set.of(), Duration.ofMinutes(1));
        assertTrue(claim.isPresent());
    }

    private static UUID enqueue() {
        UUID id = UUID.randomUUID();
        store.enqueue(id, "notify", 1, "{\"type\": \"manual\"}", "{}", 1, "jobs/notify/executions/" + id + "/context.json", 0);
        return id;
    }

    private static void assertNotified(String what) throws InterruptedException {
        assertTrue(NOTIFIED.tryAcquire(5, TimeUnit.SECONDS), what + " notifies");
        quiet(200); // one transaction, one notification
    }

    private static void quiet(long millis) throws InterruptedException {
        assertFalse(NOTIFIED.tryAcquire(millis, TimeUnit.MILLISECONDS), "no notification expected here");
    }
}
