package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The server a command talks to ({@code --server}, {@code --token}, or CARAVAN_URL and
 * CARAVAN_TOKEN; an https server's certificate checked against {@code --ca} or CARAVAN_CA_FILE,
 * else the JVM's trust store) and its API calls; a refusal becomes a {@link Refused} with the server's own
 * problem+json detail and errors.
 */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--server", description = "Caravan's URL (default: $CARAVAN_URL or http://localhost:8080).")
    String server;

    @Option(names = "--token", description = "An API token (default: $CARAVAN_TOKEN).")
    String token;

    @Option(names = "--ca", description = "PEM file of the certificate authorities an https server's certificate must"
            + " lead to (default: $CARAVAN_CA_FILE, else the JVM's trust store).")
    java.nio.file.Path ca;

    private HttpClient http;

    /** A call the server refused, or that did not reach it. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    JsonNode get(String path) throws Refused {
        return send("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) throws Refused {
        return send("POST", path, body);
    }

    JsonNode put(String path, JsonNode body) throws Refused {
        return send("PUT", path, body);
    }

    /** {@code GET} that answers null for 404. */
    JsonNode find(String path) throws Refused {
        try {
            return get(path);
        } catch (Refused e) {
            if (e.getMessage().startsWith("404")) {
                return null;
            }
            throw e;
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode send(String method, String path, JsonNode body) throws Refused {
        String base = server != null ? server : System.getenv().getOrDefault("CARAVAN_URL", "http://localhost:8080");
        String bearer = token != null ? token : System.getenv("CARAVAN_TOKEN");
        if (bearer == null || bearer.isBlank()) {
            throw new Refused("no token: give --token or set CARAVAN_TOKEN");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/api/v1" + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = http().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Refused("cannot reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() >= 400) {
            StringBuilder message = new StringBuilder(response.statusCode() + " " + answer.path("detail").asText(response.body()));
            answer.path("errors").forEach(e -> message.append("\n  ").append(e.path("path").asText()).append(": ")
                    .append(e.path("message").asText()));
            throw new Refused(message.toString());
        }
        return answer;
    }

    /** The client, made on first use: the CA file is read once the options are parsed. */
    private HttpClient http() throws Refused {
        if (http == null) {
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
            String file = ca != null ? ca.toString() : System.getenv("CARAVAN_CA_FILE");
            if (file != null && !file.isBlank()) {
                String pem;
                try {
                    pem = java.nio.file.Files.readString(java.nio.file.Path.of(file), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new Refused("cannot read the CA file " + file + " (" + e.getClass().getSimpleName() + ")");
                }
                try {
                    builder.sslContext(io.caravan.connectors.tls.TrustedCertificates.sslContext(pem, "the CA file " + file));
                } catch (IllegalArgumentException e) {
                    throw new Refused(e.getMessage());
                }
            }
            http = builder.build();
        }
        return http;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }
}
