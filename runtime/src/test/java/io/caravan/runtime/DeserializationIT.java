package io.caravan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.runtime.hooks.Signatures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.quartz.JobDataMap;

/**
 * No Java deserialization of untrusted data: a serialized gadget — a map holding an object whose
 * {@code readObject} would run code — sent as {@code application/x-java-serialized-object} to the
 * webhook and the API is never deserialized, and the JVM-wide filter a node installs rejects it
 * wherever a stream would be read, while a Quartz JobDataMap (the one thing a library Caravan uses
 * stores serialized) still goes through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeserializationIT {

    private static final String SECRET = "whsec_c2VyaWFsaXplZC1nYWRnZXRzLW5ldmVyLXJ1bg==";

    /** Counts how often any gadget was brought to life in this JVM. */
    static final AtomicInteger REVIVED = new AtomicInteger();

    /** What a gadget chain's first link does: code in readObject. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            REVIVED.incrementAndGet();
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private TestNode node;

    @BeforeAll
    void start() throws Exception {
        node = TestNode.start();
        TestNode.expect(node.call("POST", "/api/v1/jobs", """
                {"id": "hook", "triggers": [{"type": "webhook", "secret": "%s"}],
                 "steps": [{"id": "say", "type": "log", "message": "{{ webhook.payload }}"}]}"""
                .formatted(SECRET)), 201);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static byte[] gadget() throws IOException {
        Map<String, Object> map = new HashMap<>();
        map.put("payload", new Gadget());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(map);
        }
        return bytes.toByteArray();
    }

    private HttpResponse<String> post(String path, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.base() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/x-java-serialized-object");
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSerializedGadgetSentToTheWebhookAndTheApiIsNeverDeserialized() throws Exception {
        byte[] body = gadget();
        String id = "msg_ser";
        long ts = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Signatures.key(SECRET), "HmacSHA256"));
        mac.update((id + "." + ts + ".").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal(body));
        Map<String, String> auth = Map.of("Authorization", "Bearer " + TestNode.TOKEN);

        List<HttpResponse<String>> answers = List.of(
                post("/hooks/hook", body, Map.of("webhook-id", id, "webhook-timestamp", String.valueOf(ts),
                        "webhook-signature", "v1," + signature)),
                post("/hooks/hook", body, Map.of()),
                post("/api/v1/jobs", body, auth),
                post("/api/v1/jobs/validate", body, auth),
                post("/api/v1/jobs/hook/executions", body, auth),
                post("/api/v1/connections", body, auth),
                post("/api/v1/jobs/import", body, auth));

        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as("%s answered %s", answer.uri(), answer.body()).isLessThan(500);
        }
        Thread.sleep(500); // a run the signed call may have started
        assertThat(REVIVED).as("gadgets brought to life").hasValue(0);
        System.out.printf("deserialization: %d serialized gadgets sent (webhook, API), 0 deserialized; answers %s%n",
                answers.size(), answers.stream().map(HttpResponse::statusCode).toList());
    }

    @Test
    void theNodesFilterRejectsAnyOtherClassButLetsQuartzDataThrough() throws Exception {
        assertThatThrownBy(() -> {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(gadget()))) {
                in.readObject();
            }
        }).isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
        assertThat(REVIVED).hasValue(0);

        JobDataMap data = new JobDataMap();
        data.put("CamelQuartzCamelContextName", "caravan");
        data.put("CamelQuartzTriggerCronExpression", "0 0 2 * * ?");
        data.put("count", 3);
        data.put("enabled", true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(data);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(((JobDataMap) in.readObject()).getWrappedMap()).isEqualTo(data.getWrappedMap());
        }
    }
}
