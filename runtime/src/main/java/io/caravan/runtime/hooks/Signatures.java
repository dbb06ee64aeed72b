package io.caravan.runtime.hooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a webhook's signature over the raw request bytes, in the two dialects partners send:
 * <ul>
 *   <li>Standard Webhooks: {@code webhook-signature: v1,<base64>} (several, space-separated,
 *       for key rotation) = HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>};
 *       the timestamp must be within {@link #TOLERANCE} of now;</li>
 *   <li>GitHub: {@code X-Hub-Signature-256: sha256=<hex>} = HMAC-SHA256 of the body.</li>
 * </ul>
 * A secret written {@code whsec_<base64>} is that base64-decoded key; any other secret is its
 * UTF-8 bytes. Signatures are compared in constant time.
 */
public final class Signatures {

    /** How far a Standard Webhooks timestamp may be from now. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private Signatures() {
    }

    /** The shortest signing key taken: anything shorter can be guessed or is a mistake (an empty secret). */
    public static final int MIN_KEY_BYTES = 16;

    /**
     * Why a request is refused, or null when its signature holds. With no dialect named, a
     * {@code whsec_} secret takes Standard Webhooks only: the same key in both dialects would let
     * a captured Standard request be replayed as a GitHub one (whose signing input has no time).
     */
    public static String refusal(String dialect, String secret, Map<String, String> headers, byte[] body, Instant now) {
        byte[] key = key(secret);
        if (key.length < MIN_KEY_BYTES) {
            return "the webhook's secret is shorter than " + MIN_KEY_BYTES + " bytes; no call is taken until it is changed";
        }
        String standard = headers.get("webhook-signature");
        String github = headers.get("x-hub-signature-256");
        boolean wantsStandard = dialect == null || dialect.equals("standard");
        boolean wantsGithub = dialect == null ? !secret.startsWith("whsec_") : dialect.equals("github");
        if (wantsStandard && standard != null) {
            return standard(key, headers, standard, body, now);
        }
        if (wantsGithub && github != null) {
            return github(key, github, body) ? null : "the X-Hub-Signature-256 signature does not match";
        }
        return "the request is not signed: expected " + (wantsStandard && wantsGithub
                ? "webhook-signature or X-Hub-Signature-256"
                : wantsStandard ? "webhook-id, webhook-timestamp and webhook-signature" : "X-Hub-Signature-256");
    }

    /** The key of a secret: {@code whsec_} + base64, or the text's UTF-8 bytes. */
    public static byte[] key(String secret) {
        if (secret.startsWith("whsec_")) {
            try {
                return Base64.getDecoder().decode(secret.substring("whsec_".length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a whsec_ secret must be base64 after the prefix");
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static String standard(byte[] secret, Map<String, String> headers, String signatures, byte[] body, Instant now) {
        String id = headers.get("webhook-id");
        String timestamp = headers.get("webhook-timestamp");
        if (id == null || timestamp == null) {
            return "webhook-id and webhook-timestamp must come with webhook-signature";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return "webhook-timestamp must be seconds since the epoch, got '" + timestamp + "'";
        }
        if (Duration.between(Instant.ofEpochSecond(seconds), now).abs().compareTo(TOLERANCE) > 0) {
            return "webhook-timestamp is more than " + TOLERANCE.toMinutes() + " minutes from now";
        }
        byte[] prefix = (id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] expected = hmac(secret, prefix, body);
        for (String candidate : signatures.strip().split("\\s+")) {
            int comma = candidate.indexOf(',');
            if (comma > 0 && candidate.substring(0, comma).equals("v1")) {
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(candidate.substring(comma + 1));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return null;
                }
            }
        }
        return "no v1 signature in webhook-signature matches";
    }

    private static boolean github(byte[] secret, String header, byte[] body) {
        if (!header.startsWith("sha256=")) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring("sha256=".length()).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, new byte[0], body), given);
    }

    private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
