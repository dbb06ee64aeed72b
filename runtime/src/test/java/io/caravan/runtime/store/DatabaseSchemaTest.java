package io.caravan.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The constants a restart's Flyway skip relies on match the migrations this build holds. */
class DatabaseSchemaTest {

    /** A versioned migration, SQL or Java (compiled; not its inner classes). */
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__[^$]+\\.(sql|class)");

    @Test
    void theConstantsNameTheMigrations() throws Exception {
        Path dir = Path.of(Database.class.getClassLoader().getResource("db/migration").toURI());
        List<Integer> versions;
        try (Stream<Path> files = Files.list(dir)) {
            versions = files.map(f -> MIGRATION.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1))).toList();
        }
        assertEquals(versions.stream().mapToInt(Integer::intValue).max().orElseThrow(), Database.SCHEMA_VERSION,
                "Database.SCHEMA_VERSION must name the newest migration");
        assertEquals(versions.size(), Database.MIGRATIONS, "Database.MIGRATIONS must count the migrations: " + versions);
    }
}
