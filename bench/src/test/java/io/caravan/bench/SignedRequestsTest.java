package io.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.runtime.hooks.Signatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deliveries the benchmark sends are ones Caravan's webhook accepts, each with its own id. */
class SignedRequestsTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void everyLineIsADistinctDeliveryThatCaravansSignatureCheckAccepts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.txt");
        SignedRequests.main(new String[] {SECRET, "50", file.toString()});
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(50);
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            String[] parts = line.split("\t", 4);
            ids.add(parts[0]);
            Map<String, String> headers = Map.of("webhook-id", parts[0], "webhook-timestamp", parts[1],
                    "webhook-signature", "v1," + parts[2]);
            assertThat(Signatures.refusal(null, SECRET, headers, parts[3].getBytes(StandardCharsets.UTF_8), Instant.now()))
                    .as(line).isNull();
            assertThat(Signatures.refusal(null, SECRET, headers, (parts[3] + " ").getBytes(StandardCharsets.UTF_8),
                    Instant.now())).as("a changed body is refused").isNotNull();
        }
        assertThat(ids).hasSize(50);
    }
}
