package io.caravan.connectors.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Config of an {@code http} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpConfig(
        @JsonPropertyDescription("HTTP method; default GET.") Method method,
        @JsonProperty(required = true) @JsonPropertyDescription("Absolute http or https URL.") String url,
        @JsonPropertyDescription("Request headers.") Map<String, String> headers,
        @JsonPropertyDescription("Query parameters, added to the URL encoded.") Map<String, Object> query,
        @JsonPropertyDescription("Request body: an object or array is sent as JSON, a string as text.") Object body,
        @JsonPropertyDescription("Content type of a text body; default text/plain.") String contentType,
        @JsonPropertyDescription("Credentials sent with the request.") Auth auth,
        @JsonPropertyDescription("Connect timeout, ISO-8601 duration; default PT10S.") String connectTimeout,
        @JsonPropertyDescription("Time to wait for the response, ISO-8601 duration; default PT60S.") String responseTimeout,
        @JsonPropertyDescription("Statuses that count as success; default any 2xx. GET and HEAD follow redirects;"
                + " other methods get the 3xx, so list it here to accept it.") List<Integer> expectedStatus,
        @JsonPropertyDescription("Most bytes of response body to read; default 10485760 (10 MiB). A longer body"
                + " fails the step with http.too_large; with saveAs there is no limit unless one is given.")
        Long maxResponseBytes,
        @JsonPropertyDescription("Streams the response body into a new file of the execution of this name (any size,"
                + " never in memory); the output then has file instead of body.")
        String saveAs,
        @JsonPropertyDescription("A file of the execution to send as the request body, streamed: a step's output.file"
                + " or an entry of files. Alone it is the raw body (Content-Type from the file); with fileField it is"
                + " a multipart/form-data upload.")
        Object file,
        @JsonPropertyDescription("Sends file as the multipart/form-data part of this name, with the fields of an"
                + " object body as text parts.")
        String fileField,
        @JsonPropertyDescription("PEM certificates of the authorities an https server's certificate must lead to,"
                + " instead of the JVM's trust store (a private CA or a self-signed server), e.g."
                + " {{ connections.partner.ca }}. The host name is checked either way; there is no option to skip"
                + " verification.")
        String ca) {

    /** HTTP methods a step may use. */
    public enum Method { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS }

    /** Basic or bearer credentials; give one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Auth(
            @JsonPropertyDescription("Basic authentication.") Basic basic,
            @JsonPropertyDescription("Bearer token, usually {{ secrets.name }}.") String bearer) {
    }

    /** Basic authentication credentials. */
    public record Basic(@JsonProperty(required = true) String username, @JsonProperty(required = true) String password) {
    }
}
