package io.caravan.job.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.job.model.RetryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetriesTest {

    @Test
    void noPolicyOrOneAttemptMeansNoRetry() {
        assertThat(Retries.of(null, null)).isEqualTo(Retries.NONE);
        assertThat(Retries.of(new RetryPolicy(1, "PT1S", null, null, null), null)).isEqualTo(Retries.NONE);
        assertThat(Retries.NONE.shouldRetry(1, "http.status", true)).isFalse();
    }

    @Test
    void theDelayGrowsAndIsCapped() {
        Retries retries = Retries.of(new RetryPolicy(10, "PT2S", 3.0, "PT30S", null), null);
        assertThat(retries.delayAfter(1, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(retries.delayAfter(2, null)).isEqualTo(Duration.ofSeconds(6));
        assertThat(retries.delayAfter(3, null)).isEqualTo(Duration.ofSeconds(18));
        assertThat(retries.delayAfter(4, null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(retries.delayAfter(4, Duration.ofSeconds(90))).as("Retry-After wins").isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void defaultsFillWhatThePolicyLeavesOut() {
        Retries retries = Retries.of(null, new RetryPolicy(3, null, null, null, null));
        assertThat(retries.delayAfter(1, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(retries.delayAfter(2, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(retries.shouldRetry(2, "sql.connection", true)).isTrue();
        assertThat(retries.shouldRetry(3, "sql.connection", true)).as("3 attempts in all").isFalse();
        assertThat(retries.shouldRetry(1, "sql.syntax", false)).isFalse();
    }

    @Test
    void retryOnMatchesATypeOrItsFamily() {
        Retries retries = Retries.of(new RetryPolicy(3, "PT1S", null, null, List.of("http", "sql.rollback")), null);
        assertThat(retries.shouldRetry(1, "http.status", false)).isTrue();
        assertThat(retries.shouldRetry(1, "http", false)).isTrue();
        assertThat(retries.shouldRetry(1, "https.x", false)).isFalse();
        assertThat(retries.shouldRetry(1, "sql.rollback", false)).isTrue();
        assertThat(retries.shouldRetry(1, "sql.connection", true)).as("retryOn replaces the kind's view").isFalse();
    }
}
