package io.caravan.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes Standard-Webhooks-signed deliveries, one per line ({@code id TAB timestamp TAB signature
 * TAB body}), for wrk to send ({@code bench/lua/signed.lua}): the load generator stays the same
 * for Caravan and its peers, and signing costs the generator nothing during the run. Each
 * delivery has its own id, so none is answered as a repeat; the timestamps are now, well within
 * the ±300 s a webhook accepts for a run of a few minutes.
 *
 * <p>Usage: {@code SignedRequests <whsec_secret> <count> <file>}
 */
public final class SignedRequests {

    private SignedRequests() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[1]);
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
            for (String line : lines(args[0], count)) {
                out.write(line + "\n");
            }
        }
    }

    /** {@code count} signed deliveries, one line each ({@code id TAB timestamp TAB signature TAB body}). */
    static java.util.List<String> lines(String secret, int count) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String ts = String.valueOf(System.currentTimeMillis() / 1000);
        String run = Long.toString(System.nanoTime(), 36);
        java.util.List<String> lines = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = "b-" + run + "-" + i;
            String body = "{\"n\":" + i + "}";
            String signature = Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
            lines.add(id + "\t" + ts + "\t" + signature + "\t" + body);
        }
        return lines;
    }
}
