package io.caravan.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.validation.Problem;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;

/** The JSON body of an API request, or a clear 4xx saying what is wrong with it and where. */
public final class Requests {

    private Requests() {
    }

    /**
     * The body as a JSON object: 415 for a form, 400 for malformed JSON (with line and column)
     * or another JSON type; an empty body is {@code {}} when {@code emptyAllowed}, else 400.
     */
    public static JsonNode body(Exchange e, ObjectMapper json, boolean emptyAllowed) {
        String type = e.getMessage().getHeader(Exchange.CONTENT_TYPE, "", String.class);
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
            throw new ApiException(415, "Unsupported Media Type", "send the body as JSON with Content-Type: application/json",
                    List.of(new Problem("$", "is " + type + ", not JSON")));
        }
        String text = e.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            if (emptyAllowed) {
                return json.createObjectNode();
            }
            throw ApiException.badRequest("the request needs a JSON body", List.of(new Problem("$", "is empty")));
        }
        try {
            JsonNode node = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
            if (!node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object",
                        List.of(new Problem("$", "must be an object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT))));
            }
            return node;
        } catch (JsonProcessingException bad) {
            var at = bad.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.badRequest("the body is not valid JSON" + where,
                    List.of(new Problem("$", "malformed JSON" + where + ": " + bad.getOriginalMessage())));
        }
    }
}
