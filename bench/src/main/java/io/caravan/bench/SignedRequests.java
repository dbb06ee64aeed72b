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
        byte[] key = Base64.getDecoder().decode(args[0].substring("whsec_".length()));
        int count = Integer.parseInt(args[1]);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String ts = String.valueOf(System.currentTimeMillis() / 1000);
        String run = Long.toString(System.nanoTime(), 36);
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                String id = "b-" + run + "-" + i;
                String body = "{\"n\":" + i + "}";
                String signature = Base64.getEncoder().encodeToString(
                        mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
                out.write(id + "\t" + ts + "\t" + signature + "\t" + body + "\n");
            }
        }
    }
}
