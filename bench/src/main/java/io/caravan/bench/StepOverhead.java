package io.caravan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.runtime.Caravan;
import io.caravan.runtime.config.CaravanConfig;
import io.caravan.runtime.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * B3, engine overhead per step: a job of ten {@code set} steps run by Caravan, against a route
 * written by hand in Camel that does the same work — a variable set in the context — and the
 * same durable bookkeeping per step: the context written to S3 with the same conditional PUT,
 * and one PostgreSQL UPDATE. Both run one execution at a time against the same PostgreSQL and
 * S3 server (Caravan's embedded ones, in this process), alternating in rounds. A step's time is
 * the time from its start to the next step's start (Caravan's {@code step_runs.started_at}; the
 * route's clock at each loop turn), so both include the checkpoint and the database write. Both
 * sides first run, alternating, for {@code warm-up seconds} (on 2 cores the JIT compiles
 * Caravan's code for minutes); the harness polls for an execution's end every 20 ms, which only
 * delays its next start and is not in any step's time.
 *
 * <pre>java -cp caravan-bench.jar:caravan.jar io.caravan.bench.StepOverhead [rounds] [per round] [warm-up seconds]</pre>
 */
public final class StepOverhead {

    private static final int STEPS = 10;
    private static final String TOKEN = "bench-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private StepOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        long warmNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(args.length > 2 ? Long.parseLong(args[2]) : 120);
        Path dir = Files.createTempDirectory("caravan-b3");
        Map<String, String> env = Map.of("CARAVAN_DATA_DIR", dir.toString(), "CARAVAN_HTTP_PORT",
                String.valueOf(Node.freePort()), "CARAVAN_ADMIN_TOKEN", TOKEN);
        Caravan caravan = Caravan.start(CaravanConfig.from(env));
        try (var pool = Database.pool("bench-hand", caravan.databaseUrl(), "postgres", "postgres", 2);
                CamelContext camel = new DefaultCamelContext()) {
            api(caravan, "POST", "/api/v1/jobs", job());
            Hand hand = new Hand(camel, pool, caravan);
            List<Double> caravanSteps = new ArrayList<>();
            List<Double> handSteps = new ArrayList<>();
            long warmEnd = System.nanoTime() + warmNanos;
            while (System.nanoTime() < warmEnd) { // warm-up, both sides, not counted
                runCaravan(caravan, pool);
                hand.run();
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < perRound; i++) {
                    caravanSteps.addAll(runCaravan(caravan, pool));
                }
                for (int i = 0; i < perRound; i++) {
                    handSteps.addAll(hand.run());
                }
            }
            double c = median(caravanSteps);
            double h = median(handSteps);
            System.out.printf(Locale.ROOT, "B3 steps=%d executions=%d per side: caravan median step %.2f ms (p90 %.2f),"
                    + " hand-written route %.2f ms (p90 %.2f); ratio %.2f%n", STEPS, rounds * perRound, c,
                    percentile(caravanSteps, 0.9), h, percentile(handSteps, 0.9), c / h);
        } finally {
            caravan.close();
        }
    }

    private static String job() {
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < STEPS; i++) {
            steps.append(i == 0 ? "" : ", ").append("{\"id\": \"s").append(i)
                    .append("\", \"type\": \"set\", \"variables\": {\"v").append(i).append("\": ").append(i).append("}}");
        }
        return "{\"id\": \"b3\", \"steps\": [" + steps + "]}";
    }

    /** One execution through the API; its steps' times from their rows. */
    private static List<Double> runCaravan(Caravan caravan, DataSource db) throws Exception {
        String id = JSON.readTree(api(caravan, "POST", "/api/v1/jobs/b3/executions", "{}")).get("id").asText();
        while (true) {
            JsonNode execution = JSON.readTree(api(caravan, "GET", "/api/v1/executions/" + id, null));
            String status = execution.get("status").asText();
            if (status.equals("SUCCESS")) {
                break;
            }
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                throw new IllegalStateException("execution " + id + " ended " + status);
            }
            Thread.sleep(20); // a poll every 2 ms took CPU from the execution it waited for
        }
        List<Long> starts = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select (extract(epoch from started_at) * 1000000)::bigint from step_runs where execution_id = ?"
                + " order by started_at")) {
            s.setObject(1, UUID.fromString(id));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    starts.add(rs.getLong(1));
                }
            }
        }
        List<Double> steps = new ArrayList<>();
        for (int i = 1; i < starts.size(); i++) {
            steps.add((starts.get(i) - starts.get(i - 1)) / 1000.0);
        }
        return steps;
    }

    private static String api(Caravan caravan, String method, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.port() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** The hand-written route: per step, the work, the context PUT and the UPDATE. */
    private static final class Hand {

        private final ProducerTemplate producer;

        Hand(CamelContext camel, DataSource db, Caravan caravan) throws Exception {
            camel.getRegistry().bind("benchDb", db);
            camel.getRegistry().bind(ObjectStore.CLIENT_BEAN, caravan.objectStoreClient());
            ObjectStore store = new ObjectStore(camel, caravan.bucket());
            try (Connection c = db.getConnection(); var s = c.createStatement()) {
                s.execute("create table if not exists bench_hand (id uuid primary key, step int, updated_at timestamptz)");
            }
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:hand").routeId("bench.hand")
                            .loop(STEPS)
                                .process(Hand::step)
                                .process(e -> checkpoint(e, store))
                                .setHeader("step", exchangeProperty(Exchange.LOOP_INDEX))
                                .to("sql:update bench_hand set step = :#step, updated_at = now() where id = :#id"
                                        + "?dataSource=#benchDb")
                            .end();
                }
            });
            camel.start();
            producer = camel.createProducerTemplate();
        }

        List<Double> run() throws Exception {
            UUID id = UUID.randomUUID();
            try (Connection c = ((DataSource) producer.getCamelContext().getRegistry().lookupByName("benchDb"))
                    .getConnection(); PreparedStatement s = c.prepareStatement("insert into bench_hand (id) values (?)")) {
                s.setObject(1, id);
                s.executeUpdate();
            }
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("execution_id", id.toString());
            context.put("variables", new LinkedHashMap<String, Object>());
            context.put("steps", new LinkedHashMap<String, Object>());
            List<Long> starts = new ArrayList<>();
            Exchange done = producer.send("direct:hand", e -> {
                e.setProperty("context", context);
                e.setProperty("starts", starts);
                e.getMessage().setHeader("id", id);
            });
            if (done.getException() != null) {
                throw done.getException();
            }
            List<Double> steps = new ArrayList<>();
            for (int i = 1; i < starts.size(); i++) {
                steps.add((starts.get(i) - starts.get(i - 1)) / 1_000_000.0);
            }
            return steps;
        }

        @SuppressWarnings("unchecked")
        private static void step(Exchange e) {
            ((List<Long>) e.getProperty("starts")).add(System.nanoTime());
            Map<String, Object> context = e.getProperty("context", Map.class);
            int i = e.getProperty(Exchange.LOOP_INDEX, Integer.class);
            ((Map<String, Object>) context.get("variables")).put("v" + i, i);
            ((Map<String, Object>) context.get("steps")).put("s" + i, Map.of("status", "SUCCESS", "output",
                    Map.of("v" + i, i)));
        }

        private static void checkpoint(Exchange e, ObjectStore store) throws Exception {
            Map<?, ?> context = e.getProperty("context", Map.class);
            String path = "jobs/bench-hand/executions/" + context.get("execution_id") + "/context.json";
            String tag = e.getProperty("tag", String.class);
            e.setProperty("tag", store.putIf(path, JSON.writeValueAsBytes(context), "application/json", tag));
        }
    }

    private static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }
}
