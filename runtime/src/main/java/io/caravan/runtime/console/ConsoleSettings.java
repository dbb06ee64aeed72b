package io.caravan.runtime.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.runtime.api.Replies;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/console/settings}: what the web console shows that is the server's to say,
 * for a token of any role: {@code hawtio_url}, the Hawtio that watches this node's routes
 * ({@code CARAVAN_HAWTIO_URL}; null when none is configured), and {@code connection_kinds}, the
 * settings of each connection type as the server checks them, for the connection form.
 */
public final class ConsoleSettings {

    private final String hawtioUrl;
    private final ObjectMapper json;

    public ConsoleSettings(String hawtioUrl, ObjectMapper json) {
        this.hawtioUrl = hawtioUrl;
        this.json = json;
    }

    /** Answers with the settings. */
    public void get(Exchange e) throws Exception {
        ObjectNode out = json.createObjectNode().put("hawtio_url", hawtioUrl);
        ObjectNode kinds = out.putObject("connection_kinds");
        for (io.caravan.runtime.connections.ConnectionKind kind : io.caravan.runtime.connections.ConnectionKind.values()) {
            ObjectNode fields = kinds.putObject(kind.type());
            fields.set("required", json.valueToTree(new java.util.TreeSet<>(kind.required())));
            fields.set("optional", json.valueToTree(new java.util.TreeSet<>(kind.optional())));
            fields.set("secrets", json.valueToTree(new java.util.TreeSet<>(kind.secrets())));
        }
        Replies.json(e, 200, out, json);
    }

    /**
     * A Hawtio URL as the console may link it: absolute http or https, nothing else (a
     * {@code javascript:} link would run in the console); null stays null.
     */
    public static String checkHawtioUrl(String url) {
        if (url == null) {
            return null;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("CARAVAN_HAWTIO_URL is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("CARAVAN_HAWTIO_URL must be an http or https URL with a host, got '" + url + "'");
        }
        return uri.toString();
    }
}
