package io.caravan.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/** A JSON answer of the API. */
public final class Replies {

    private Replies() {
    }

    /** Answers the exchange with a status and a JSON body. */
    public static void json(Exchange e, int status, JsonNode body, ObjectMapper json) throws JsonProcessingException {
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json.writeValueAsString(body));
    }
}
