package io.caravan.runtime.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    @Test
    void githubsPublishedTestVectorPasses() {
        // from GitHub's "Validating webhook deliveries"
        String key = "It's a Secret to Everybody";
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("x-hub-signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        assertThat(Signatures.refusal(null, key, headers, body, Instant.now())).isNull();
        assertThat(Signatures.refusal("github", key, headers, body, Instant.now())).isNull();
        assertThat(Signatures.refusal("github", "another secret, long enough", headers, body, Instant.now()))
                .isEqualTo("the X-Hub-Signature-256 signature does not match");
        assertThat(Signatures.refusal("standard", key, headers, body, Instant.now())).startsWith("the request is not signed");
    }

    @Test
    void standardWebhooksTestVectorPassesWithinItsTimeWindowAndAmongRotatedKeys() {
        // from the Standard Webhooks specification's reference tests
        String key = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
        Instant sent = Instant.ofEpochSecond(1614265330);
        Map<String, String> headers = Map.of("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "webhook-timestamp", "1614265330",
                "webhook-signature", "v1,Zm9yZ2Vk v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(Signatures.refusal(null, key, headers, body, sent.plusSeconds(299))).isNull();
        assertThat(Signatures.refusal(null, key, headers, body, sent.plusSeconds(301)))
                .isEqualTo("webhook-timestamp is more than 5 minutes from now");
        assertThat(Signatures.refusal(null, key, headers, "{\"test\": 1}".getBytes(StandardCharsets.UTF_8), sent))
                .isEqualTo("no v1 signature in webhook-signature matches");
    }

    @Test
    void aCapturedStandardRequestCannotBeReplayedAsAGithubOneAndShortKeysSignNothing() throws Exception {
        String key = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        // the Standard signing input sent as a body, its MAC as a GitHub signature
        byte[] forged = "msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
        String mac = java.util.HexFormat.of().formatHex(Base64.getDecoder().decode("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assertThat(Signatures.refusal(null, key, Map.of("x-hub-signature-256", "sha256=" + mac), forged, Instant.now()))
                .startsWith("the request is not signed");
        assertThat(Signatures.refusal(null, "whsec_", Map.of("x-hub-signature-256", "sha256=00"), new byte[0], Instant.now()))
                .contains("shorter than 16 bytes");
        assertThat(Signatures.refusal(null, "short", Map.of(), new byte[0], Instant.now())).contains("shorter than 16 bytes");
    }
}
