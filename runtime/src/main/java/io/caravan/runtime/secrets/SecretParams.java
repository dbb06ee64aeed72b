package io.caravan.runtime.secrets;

import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.ParamSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The values of parameters declared {@code secret: true}. In the execution's row they are sealed
 * ({@code {"$sealed": {...}}}, AES-256-GCM under the master key, bound to the execution and the
 * parameter's name), shown as {@code ***} by the API, opened only when a worker runs the execution,
 * and then masked like the secret store's values in everything that leaves it.
 */
public final class SecretParams {

    /** How the API shows a secret parameter's value. */
    public static final String MASK = "***";

    private static final String SEALED = "$sealed";

    private final Sealer sealer;

    public SecretParams(Sealer sealer) {
        this.sealer = sealer;
    }

    /** The bound parameters with the secret ones sealed, as they are stored. */
    public Map<String, Object> seal(JobDefinition job, UUID execution, Map<String, Object> bound) {
        Map<String, Object> out = new LinkedHashMap<>(bound);
        bound.forEach((name, value) -> {
            if (isSecret(job, name) && value instanceof String text) {
                Sealer.Sealed sealed = sealer.seal(label(execution, name), text);
                out.put(name, Map.of(SEALED, Map.of("key", sealed.keyId(),
                        "nonce", Base64.getEncoder().encodeToString(sealed.nonce()),
                        "data", Base64.getEncoder().encodeToString(sealed.ciphertext()))));
            }
        });
        return out;
    }

    /** The stored parameters with the sealed ones opened, for the worker that runs the execution. */
    public Map<String, Object> open(JobDefinition job, UUID execution, Map<String, Object> stored) {
        Map<String, Object> out = new LinkedHashMap<>(stored);
        stored.forEach((name, value) -> {
            if (sealed(value) instanceof Map<?, ?> s) {
                try {
                    out.put(name, sealer.open(label(execution, name), new Sealer.Sealed(
                            Base64.getDecoder().decode((String) s.get("nonce")),
                            Base64.getDecoder().decode((String) s.get("data")), (String) s.get("key"))));
                } catch (RuntimeException e) {
                    // sealed here when queued (the job may no longer call it secret); anything else that
                    // looks alike is a caller's object value, kept as given
                    if (isSecret(job, name)) {
                        throw e;
                    }
                }
            }
        });
        return out;
    }

    /** The stored parameters as the API shows them: sealed values as {@link #MASK}. */
    public static Map<String, Object> shown(Map<String, Object> stored) {
        Map<String, Object> out = new LinkedHashMap<>(stored);
        stored.forEach((name, value) -> {
            if (sealed(value) != null) {
                out.put(name, MASK);
            }
        });
        return out;
    }

    /** The opened values of a job's secret parameters, to be masked. */
    public static List<String> values(JobDefinition job, Map<String, Object> opened) {
        List<String> values = new ArrayList<>();
        opened.forEach((name, value) -> {
            if (isSecret(job, name) && value instanceof String text) {
                values.add(text);
            }
        });
        return values;
    }

    /** The names of a job's secret parameters. */
    public static java.util.Set<String> names(JobDefinition job) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        job.params().forEach((name, spec) -> {
            if (Boolean.TRUE.equals(spec.secret())) {
                names.add(name);
            }
        });
        return names;
    }

    private static Object sealed(Object value) {
        return value instanceof Map<?, ?> map && map.size() == 1 ? map.get(SEALED) : null;
    }

    private static boolean isSecret(JobDefinition job, String name) {
        ParamSpec spec = job.params().get(name);
        return spec != null && Boolean.TRUE.equals(spec.secret());
    }

    private static String label(UUID execution, String name) {
        return "param:" + execution + ":" + name;
    }
}
