package io.caravan.runtime.hooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.job.model.TriggerSpec;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.execution.ExecutionService;
import io.caravan.runtime.execution.Ids;
import io.caravan.runtime.jobs.LoadedJobs;
import io.caravan.runtime.metrics.WebhookMeters;
import io.caravan.runtime.store.ExecutionStore;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * {@code POST /hooks/{job_id}}: what a partner's call goes through before it becomes a queued
 * execution. The size and the signature are checked first, on the raw bytes and from the job
 * loaded in memory — no database work for a request that is not the partner's (a declared
 * length over the limit was refused before the body was read, see
 * {@link io.caravan.runtime.api.HttpHardening}). Then the
 * delivery is enqueued once: a delivery id seen in the last 24 hours answers with the
 * execution it started. A {@code rateLimit} is drawn from a bucket all nodes share (429 with
 * {@code Retry-After} when empty). The request lands in the context as {@code webhook}: payload, headers
 * (without credentials and signatures) and query parameters.
 */
public final class WebhookIntake {

    /** Headers never copied into the context: credentials and signatures. */
    private static final Set<String> WITHHELD = Set.of("authorization", "cookie", "proxy-authorization",
            "webhook-signature", "x-hub-signature", "x-hub-signature-256");

    /** The exchange property holding a sync call's coming answer. */
    static final String PENDING = "caravan.syncAnswer";

    /** How long a {@code respond: sync} call waits for its execution before answering 202. */
    public static final java.time.Duration SYNC_WAIT = java.time.Duration.ofSeconds(30);

    private static final long SECRET_CACHE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final java.util.Map<String, Cached> secretCache = new java.util.concurrent.ConcurrentHashMap<>();
    private final LoadedJobs loaded;
    private final ExecutionService runs;
    private final io.caravan.runtime.secrets.SecretStore secrets;
    private final RateLimits limits;
    private final SyncAnswers answers;
    private final ObjectMapper json;
    private final WebhookMeters meters;
    /** Largest body a webhook takes ({@code CARAVAN_WEBHOOK_MAX_BODY}). */
    private final long maxBody;

    public WebhookIntake(LoadedJobs loaded, ExecutionService runs, io.caravan.runtime.secrets.SecretStore secrets,
            RateLimits limits, SyncAnswers answers, ObjectMapper json, long maxBody, WebhookMeters meters) {
        this.meters = meters;
        this.maxBody = maxBody;
        this.secrets = secrets;
        this.loaded = loaded;
        this.runs = runs;
        this.limits = limits;
        this.answers = answers;
        this.json = json;
    }

    /**
     * Answers one call: 202 with the new execution, 200 with the first one of a repeated delivery, or a problem;
     * counted either way.
     */
    void receive(Exchange exchange) throws Exception {
        String jobId = exchange.getMessage().getHeader("jobId", String.class);
        CompiledJob job = loaded.newest(jobId); // a disabled job's route may still be finishing a run
        TriggerSpec.Webhook hook;
        try {
            hook = hook(jobId, job);
        } catch (ApiException e) {
            meters.rejected(null, e.status()); // not the path's id: callers must not be able to add series
            throw e;
        }
        try {
            receive(exchange, jobId, job, hook);
        } catch (ApiException e) {
            meters.rejected(jobId, e.status());
            throw e;
        } catch (RuntimeException e) {
            meters.rejected(jobId, 500);
            throw e;
        }
    }

    private void receive(Exchange exchange, String jobId, CompiledJob job, TriggerSpec.Webhook hook) throws Exception {
        HttpServerRequest request = exchange.getIn(HttpMessage.class).getRequest();
        byte[] body = exchange.getMessage().getBody(byte[].class);
        body = body == null ? new byte[0] : body;
        if (body.length > maxBody) { // sent without a Content-Length: read up to the API's limit, then measured
            throw new ApiException(413, "Content Too Large", "the body is larger than the " + maxBody
                    + " bytes a webhook takes", null);
        }
        String secret = secret(jobId, hook.secret());
        Map<String, String> headers = lowerCase(request.headers());
        String refusal = Signatures.refusal(hook.signature(), secret, headers, body, Instant.now());
        if (refusal != null) {
            throw new ApiException(401, "Unauthorized", refusal, null);
        }
        if (hook.rateLimit() != null) {
            java.time.Duration wait = limits.take(jobId, hook.rateLimit());
            if (!wait.isZero()) {
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                io.caravan.runtime.api.ProblemResponses.write(exchange, new ApiException(429, "Too Many Requests",
                        "job '" + jobId + "' takes " + hook.rateLimit().requests() + " webhook calls per "
                        + hook.rateLimit().per() + "; try again in " + seconds + " s", null), json);
                exchange.getMessage().setHeader("Retry-After", String.valueOf(seconds));
                meters.rejected(jobId, 429);
                return;
            }
        }
        // Standard Webhooks sign their id; GitHub's X-GitHub-Delivery is not signed, so a GitHub
        // delivery is known by its signature: a replay of the same call is the same delivery
        String deliveryId = headers.containsKey("webhook-signature") ? headers.get("webhook-id")
                : "sha256:" + sha256(headers.getOrDefault("x-hub-signature-256", ""));
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("type", "webhook");
        trigger.put("delivery_id", deliveryId);
        trigger.put("received_at", Instant.now().toString());
        trigger.put("webhook", Map.of("payload", payload(headers.get("content-type"), body),
                "headers", contextHeaders(headers), "query_params", query(request.params())));
        UUID id = Ids.timeOrdered();
        String step = "sync".equals(hook.respond()) ? responseStep(hook, job) : null;
        // answered when the execution ends: the route completes the exchange then, no thread waits
        var pending = step == null ? null : answers.expect(id, step, SYNC_WAIT);
        ExecutionStore.Delivery delivery;
        try {
            delivery = runs.enqueueDelivery(job, trigger, deliveryId != null ? deliveryId : UUID.randomUUID().toString(), id,
                    pending != null);
        } catch (RuntimeException e) {
            answers.forget(id);
            throw e;
        }
        meters.accepted(jobId, !delivery.created());
        if (pending != null && !delivery.executionId().equals(id)) { // a repeated delivery: its first execution answers
            answers.forget(id);
            pending = answers.await(delivery.executionId(), step, SYNC_WAIT);
        }
        if (pending != null) {
            exchange.setProperty(PENDING, pending);
            return;
        }
        answer(exchange, delivery);
    }

    private static String responseStep(TriggerSpec.Webhook hook, CompiledJob job) {
        return hook.responseStep() != null ? hook.responseStep() : job.job().steps().get(job.job().steps().size() - 1).id();
    }

    /** The job's webhook trigger; 404 when the job is not here, is disabled or takes no webhook. */
    private static TriggerSpec.Webhook hook(String jobId, CompiledJob job) {
        if (job != null && job.job().runs()) {
            for (TriggerSpec trigger : job.job().triggers()) {
                if (trigger instanceof TriggerSpec.Webhook hook && hook.secret() != null) {
                    return hook;
                }
            }
        }
        throw ApiException.notFound("no webhook for job '" + jobId + "' (no such job, no webhook trigger, or disabled)");
    }

    /** The signing secret: written as is, or {@code {{ secrets.name }}} read from the secret store. */
    private String secret(String jobId, String written) {
        java.util.Set<String> names = io.caravan.runtime.secrets.SecretRefs.in(written);
        if (names.isEmpty()) {
            return written;
        }
        String name = names.iterator().next();
        // kept a few seconds: a flood of calls, signed or not, does not become a flood of queries
        Cached cached = secretCache.get(name);
        if (cached == null || System.nanoTime() - cached.readAt() > SECRET_CACHE_NANOS) {
            cached = new Cached(secrets.reveal(names).get(name), System.nanoTime());
            secretCache.put(name, cached);
        }
        String value = cached.value();
        if (value == null) {
            throw new ApiException(503, "Service Unavailable", "the webhook of job '" + jobId + "' is signed with secret '"
                    + name + "', which is not set", null);
        }
        return value;
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Cached(String value, long readAt) {
    }

    private Object payload(String contentType, byte[] body) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json") && body.length > 0) {
            try {
                return json.readValue(body, Object.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ApiException.badRequest("the body is sent as JSON but is not: " + e.getOriginalMessage(), null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static Map<String, String> lowerCase(MultiMap headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach(e -> out.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        return out;
    }

    /** The request's headers as the job sees them: no credentials, no signatures, nothing named Camel*. */
    private static Map<String, String> contextHeaders(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (!WITHHELD.contains(name) && !name.startsWith("camel")) {
                out.put(name, value);
            }
        });
        return out;
    }

    private static Map<String, Object> query(MultiMap params) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : params.names()) {
            List<String> values = params.getAll(name);
            out.put(name, values.size() == 1 ? values.get(0) : values);
        }
        return out;
    }

    private void answer(Exchange exchange, ExecutionStore.Delivery delivery) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", delivery.executionId().toString());
        body.put("status", delivery.created() ? "QUEUED" : "DUPLICATE");
        reply(exchange, new SyncAnswers.Answer(delivery.created() ? 202 : 200, body));
    }

    void reply(Exchange exchange, SyncAnswers.Answer answer) throws Exception {
        exchange.getMessage().removeHeaders("*"); // nothing of the request goes back, nothing steers a component
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(json.writeValueAsString(answer.body()));
    }
}
