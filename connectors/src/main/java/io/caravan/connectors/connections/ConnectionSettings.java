package io.caravan.connectors.connections;

import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import java.util.List;
import java.util.Map;

/**
 * A named connection as steps use it: its type, its settings and its secrets in clear. The
 * runtime binds one per connection in the Camel registry ({@link #bean}) and replaces it when the
 * connection changes; a step looks it up by the name its config gives. The secrets never leave
 * the step that uses them: {@link #toString} shows none.
 */
public record ConnectionSettings(String name, String type, Map<String, Object> config, Map<String, String> secrets) {

    /** The registry name of a connection's settings. */
    public static String bean(String name) {
        return "caravan-settings-" + name;
    }

    /**
     * The connection named {@code name}, which must be of one of {@code types}.
     *
     * @throws StepException (type {@code connection}) when there is none of that name and type
     */
    public static ConnectionSettings of(StepCall call, String name, String... types) throws StepException {
        ConnectionSettings settings = name == null ? null
                : call.camel().getRegistry().lookupByNameAndType(bean(name), ConnectionSettings.class);
        if (settings == null) {
            throw new StepException("connection", "unknown connection '" + name + "' (PUT /api/v1/connections/" + name
                    + ")", false);
        }
        if (!List.of(types).contains(settings.type())) {
            throw new StepException("connection", "connection '" + name + "' is of type " + settings.type()
                    + "; this step needs one of type " + String.join(" or ", types), false);
        }
        return settings;
    }

    /** A setting as text, or null. */
    public String text(String key) {
        Object value = config.get(key);
        return value == null ? null : value.toString();
    }

    @Override
    public String toString() {
        return "ConnectionSettings[" + name + " (" + type + "), settings " + config.keySet() + ", secrets "
                + secrets.keySet() + "]";
    }
}
