import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook intake throughput: CLIENTS threads send Standard-Webhooks-signed POSTs (each with its own
 * delivery id, each signed on the spot) to one hook for SECONDS seconds, and print accepted
 * requests per second and latency percentiles. Usage: java WebhookBench.java <url> <whsec_secret> [clients] [seconds]
 */
public class WebhookBench {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        byte[] key = Base64.getDecoder().decode(args[1].substring("whsec_".length()));
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong accepted = new AtomicLong();
        AtomicLong other = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                long n = 0;
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(key, "HmacSHA256"));
                    while (System.nanoTime() < end) {
                        String id = "bench-" + client + "-" + n++;
                        String ts = String.valueOf(System.currentTimeMillis() / 1000);
                        String body = "{\"order\": " + n + ", \"client\": " + client + "}";
                        String sig = Base64.getEncoder().encodeToString(
                                mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
                        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json").header("webhook-id", id)
                                .header("webhook-timestamp", ts).header("webhook-signature", "v1," + sig)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long t0 = System.nanoTime();
                        HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                        long t1 = System.nanoTime();
                        if (t0 < warmupEnd) {
                            continue; // warm-up: not counted
                        }
                        if (r.statusCode() == 202) {
                            accepted.incrementAndGet();
                            latencies.add(t1 - t0);
                        } else {
                            other.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("webhook intake: %d clients, %d s: %.0f accepted/s (%d accepted, %d other answers);"
                + " latency p50 %.1f ms, p99 %.1f ms%n", clients, seconds, accepted.get() / (double) seconds,
                accepted.get(), other.get(), pct(sorted, 50), pct(sorted, 99));
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }
}
