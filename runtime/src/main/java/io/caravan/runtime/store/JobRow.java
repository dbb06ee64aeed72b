package io.caravan.runtime.store;

import java.time.Instant;
import java.util.List;

/** A job's row: metadata and the path of its definition. */
public record JobRow(String id, String name, boolean enabled, List<String> tags, String category, boolean template,
        int currentVersion, String definitionPath, Integer concurrencyLimit, String onLimit, Instant createdAt,
        Instant updatedAt) {
}
