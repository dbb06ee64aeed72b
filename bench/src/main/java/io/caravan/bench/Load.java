package io.caravan.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator in the JVM, for machines without wrk and for the CI smoke run:
 * {@code clients} threads each send signed deliveries one after another for {@code seconds},
 * then it prints the same SUMMARY line as {@code bench/peers/report.lua}. wrk stays the
 * reference for the published figures (it costs the machine less).
 *
 * <p>Usage: {@code Load <url> <path> <whsec_secret> <clients> <seconds>}
 */
public final class Load {

    private Load() {
    }

    public static void main(String[] args) throws Exception {
        Result result = run(URI.create(args[0] + args[1]), args[2], Integer.parseInt(args[3]),
                Duration.ofSeconds(Long.parseLong(args[4])));
        System.out.println(result.summary());
    }

    /** What a run measured. */
    public record Result(int requests, int non2xx, int errors, double seconds, List<Double> latenciesMs) {

        /** Requests per second. */
        public double rps() {
            return requests / seconds;
        }

        /** A latency percentile in ms. */
        public double percentile(double p) {
            List<Double> sorted = new ArrayList<>(latenciesMs);
            sorted.sort(null);
            return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
        }

        /** The line wrk's report.lua prints. */
        public String summary() {
            return String.format(Locale.ROOT, "SUMMARY requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f"
                    + " p99_ms=%.3f err_status=%d err_other=%d", requests, seconds, rps(), percentile(0.5),
                    percentile(0.9), percentile(0.99), non2xx, errors);
        }
    }

    /** Sends signed deliveries to {@code target} from {@code clients} threads for {@code length}. */
    public static Result run(URI target, String secret, int clients, Duration length) throws Exception {
        // enough deliveries for 2,000 requests/s, signed before the clock starts
        List<String> lines = SignedRequests.lines(secret, (int) Math.max(1000, length.toSeconds() * 2000));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger non2xx = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                int i;
                while (System.nanoTime() < end && (i = next.getAndIncrement()) < lines.size()) {
                    String[] f = lines.get(i).split("\t", 4);
                    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json").header("webhook-id", f[0])
                            .header("webhook-timestamp", f[1]).header("webhook-signature", "v1," + f[2])
                            .POST(HttpRequest.BodyPublishers.ofString(f[3])).build();
                    long t0 = System.nanoTime();
                    try {
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status / 100 != 2) {
                            non2xx.incrementAndGet();
                        }
                        latencies.add((System.nanoTime() - t0) / 1e6);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }, "load-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result((int) done.get(), non2xx.get(), errors.get(), seconds, new ArrayList<>(latencies));
    }
}
