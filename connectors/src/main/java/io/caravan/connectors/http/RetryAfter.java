package io.caravan.connectors.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The HTTP {@code Retry-After} header (RFC 9110 §10.2.3): seconds, or an HTTP date. */
final class RetryAfter {

    /** Longest wait honoured; a server asking for more is asking for a day off, not a retry. */
    static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {
    }

    /** The wait the header asks for, at most {@link #MAX}; null when absent or unreadable. */
    static Duration parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        Duration wait;
        if (value.chars().allMatch(Character::isDigit)) {
            wait = Duration.ofSeconds(Long.parseLong(value.length() > 9 ? "999999999" : value));
        } else {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(Instant.now(), at);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX) > 0 ? MAX : wait;
    }
}
