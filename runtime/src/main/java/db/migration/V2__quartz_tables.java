package db.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Quartz's tables for the clustered schedules, created from the script Quartz itself ships
 * ({@code tables_postgres.sql} in its jar) so they always match the Quartz on the class path.
 * The script begins by dropping the tables and ends with a COMMIT; both are left out: Flyway
 * runs this once, in its own transaction.
 */
public class V2__quartz_tables extends BaseJavaMigration {

    private static final String SCRIPT = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : script().split(";")) {
                String body = withoutComments(sql).strip();
                String head = body.toUpperCase(java.util.Locale.ROOT);
                if (!body.isEmpty() && !head.startsWith("DROP ") && !head.equals("COMMIT")) {
                    statement.execute(body);
                }
            }
        }
    }

    private static String script() throws IOException {
        try (InputStream in = org.quartz.Scheduler.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String withoutComments(String sql) {
        return sql.lines().filter(line -> !line.strip().startsWith("--")).reduce("", (a, b) -> a + "\n" + b);
    }
}
