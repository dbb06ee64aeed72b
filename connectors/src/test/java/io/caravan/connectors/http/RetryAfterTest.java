package io.caravan.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void secondsAndHttpDatesAreRead() {
        assertThat(RetryAfter.parse("120")).isEqualTo(Duration.ofSeconds(120));
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(61));
        assertThat(RetryAfter.parse(inAMinute)).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(61));
    }

    @Test
    void pastDatesAreNowAndHugeWaitsAreCapped() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("99999999999")).isEqualTo(RetryAfter.MAX);
    }

    @Test
    void absentOrUnreadableIsNull() {
        assertThat(RetryAfter.parse(null)).isNull();
        assertThat(RetryAfter.parse(" ")).isNull();
        assertThat(RetryAfter.parse("soon")).isNull();
    }
}
