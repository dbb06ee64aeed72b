package io.caravan.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhooks on two JVMs: a rate limit is one bucket for the whole cluster, and one delivery sent
 * to both nodes at once starts one execution.
 */
class ClusterWebhookIT {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @RegisterExtension
    final Cluster cluster = new Cluster("ClusterWebhookIT");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRateLimitIsSharedByBothNodesAndADeliveryToBothStartsOneRun() throws Exception {
        cluster.start(2, Map.of("CARAVAN_WORKERS", "2"));
        cluster.node(0).createJob("""
                {"id": "shared", "triggers": [{"type": "webhook", "secret": "%s", "rateLimit": {"requests": 10, "per": "PT1H"}}],
                 "steps": [{"id": "say", "type": "log", "message": "hi"}]}""".formatted(SECRET));
        cluster.awaitJobEverywhere("shared");

        // 40 deliveries, alternating between the nodes, 8 at a time: 10 pass in all, not 10 per node
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            NodeProcess node = cluster.node(i % 2);
            String id = "rl-" + i;
            answers.add(pool.submit((Callable<Integer>) () -> send(node, "shared", id).statusCode()));
        }
        int accepted = 0;
        int limited = 0;
        for (Future<Integer> answer : answers) {
            int status = answer.get();
            accepted += status == 202 ? 1 : 0;
            limited += status == 429 ? 1 : 0;
        }
        System.out.printf("CLUSTER webhook rate limit: 10/h over 2 nodes, 40 sent: %d accepted, %d answered 429%n",
                accepted, limited);
        assertThat(accepted).as("the cluster's sum stays within the limit").isEqualTo(10);
        assertThat(limited).isEqualTo(30);

        // the same delivery to both nodes at the same moment
        cluster.node(0).createJob("""
                {"id": "once", "triggers": [{"type": "webhook", "secret": "%s"}],
                 "steps": [{"id": "say", "type": "log", "message": "hi"}]}""".formatted(SECRET));
        cluster.awaitJobEverywhere("once");
        List<Future<HttpResponse<String>>> both = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            String id = "twice-" + round;
            for (NodeProcess node : cluster.nodes()) {
                both.add(pool.submit(() -> send(node, "once", id)));
            }
        }
        for (Future<HttpResponse<String>> answer : both) {
            assertThat(answer.get().statusCode()).isIn(200, 202);
        }
        pool.shutdown();
        assertThat(cluster.services().caravanDb().query("select count(*)::int as n from executions where job_id = 'once'")
                .get(0).get("n")).as("10 deliveries, each sent to both nodes").isEqualTo(10);
    }

    private HttpResponse<String> send(NodeProcess node, String job, String id) throws Exception {
        long ts = Instant.now().getEpochSecond();
        String body = "{}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring(6)), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/hooks/" + job))
                .header("Content-Type", "application/json").header("webhook-id", id)
                .header("webhook-timestamp", String.valueOf(ts)).header("webhook-signature", "v1," + signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
