package io.caravan.runtime.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caravan.runtime.embedded.EmbeddedDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restart skips Flyway only when the schema holds exactly this build's migrations, all applied. */
class DatabaseSchemaIT {

    @Test
    void onlyAFullyMigratedSchemaIsCurrent(@TempDir Path dir) throws Exception {
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("pg"));
                var pool = Database.pool("schema-test", pg.jdbcUrl(EmbeddedDatabase.CARAVAN_DB), "postgres",
                        "postgres", 2)) {
            assertFalse(Database.schemaCurrent(pool), "a new database has no history");
            Database.open(pg.jdbcUrl(EmbeddedDatabase.CARAVAN_DB), "postgres", "postgres", 2, "schema-test").close();
            assertTrue(Database.schemaCurrent(pool));
            try (var c = pool.getConnection(); var s = c.createStatement()) {
                s.execute("update flyway_schema_history set success = false where version = '"
                        + Database.SCHEMA_VERSION + "'");
                assertFalse(Database.schemaCurrent(pool), "a failed migration goes through Flyway");
                s.execute("update flyway_schema_history set success = true");
                s.execute("create table missing as select * from flyway_schema_history where version = '5'");
                s.execute("delete from flyway_schema_history where version = '5'");
                assertFalse(Database.schemaCurrent(pool), "a migration not applied goes through Flyway");
                s.execute("insert into flyway_schema_history select * from missing");
                assertTrue(Database.schemaCurrent(pool));
                s.execute("insert into flyway_schema_history (installed_rank, version, description, type, script,"
                        + " installed_by, execution_time, success) values (1000, '" + (Database.SCHEMA_VERSION + 1)
                        + "', 'newer', 'SQL', 'V99__newer.sql', 'test', 0, true)");
                assertFalse(Database.schemaCurrent(pool), "a schema newer than this build goes through Flyway");
            }
        }
    }
}
