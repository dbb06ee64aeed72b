package io.caravan.runtime.bundles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.Replies;
import io.caravan.runtime.access.Tokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.caravan.runtime.access.Scopes;
import org.apache.camel.Exchange;

/**
 * {@code POST /api/v1/jobs/export} with {@code {"jobs": [ids]}} (none: all) answers a bundle;
 * {@code POST /api/v1/jobs/import} with {@code {"bundle": …, "dryRun": true|false, "secrets":
 * {"<placeholder or secret name>": "value"}}} answers the plan, applied unless a dry run.
 */
public final class BundlesApi {

    private final Bundles bundles;
    private final BundleImport importer;
    private final ObjectMapper json;

    public BundlesApi(Bundles bundles, BundleImport importer, ObjectMapper json) {
        this.bundles = bundles;
        this.importer = importer;
        this.json = json;
    }

    public void export(Exchange e) throws Exception {
        JsonNode body = body(e);
        JsonNode ids = body.path("jobs");
        if (!body.isObject() || !(ids.isMissingNode() || ids.isArray())) {
            throw ApiException.badRequest("send {\"jobs\": [\"id\", …]}, or {} for all jobs",
                    List.of(new Problem("$.jobs", "must be an array of job ids")));
        }
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isTextual()) {
                throw ApiException.badRequest("not a job id", List.of(new Problem("$.jobs[" + i + "]", "must be a job id")));
            }
            wanted.add(ids.get(i).asText());
        }
        wanted.forEach(key -> Scopes.check(e, io.caravan.job.model.Namespaces.of(key)));
        Replies.json(e, 200, bundles.export(wanted, Scopes.visible(e)), json);
    }

    public void importBundle(Exchange e) throws Exception {
        JsonNode body = body(e);
        // where the bundle goes is checked first: a caller with no role there learns nothing more
        String namespace = body.path("namespace").isTextual() ? body.path("namespace").asText() : Scopes.namespaceAsked(e);
        namespace = namespace == null ? io.caravan.job.model.Namespaces.DEFAULT : namespace;
        if (!io.caravan.job.model.Namespaces.valid(namespace)) {
            throw ApiException.badRequest("not a namespace: '" + namespace + "'", List.of(new Problem("$.namespace",
                    "must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit")));
        }
        Scopes.check(e, namespace);
        JsonNode given = body.path("secrets");
        JsonNode dryRun = body.path("dryRun");
        List<Problem> problems = new ArrayList<>();
        if (!body.path("bundle").isObject()) {
            problems.add(new Problem("$.bundle", "must be the bundle an export wrote"));
        }
        if (!dryRun.isMissingNode() && !dryRun.isBoolean()) {
            problems.add(new Problem("$.dryRun", "must be true or false"));
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (!given.isMissingNode() && !given.isObject()) {
            problems.add(new Problem("$.secrets", "must be an object of names and values"));
        }
        given.fields().forEachRemaining(f -> {
            if (f.getValue().isTextual()) {
                values.put(f.getKey(), f.getValue().asText());
            } else {
                problems.add(new Problem("$.secrets." + f.getKey(), "must be a string"));
            }
        });
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("the import request is not valid", problems);
        }
        boolean dry = dryRun.asBoolean(false) || "true".equals(e.getMessage().getHeader("dryRun", String.class));
        Replies.json(e, 200, importer.run(body.get("bundle"), dry, values, Tokens.holderOf(e), namespace), json);
    }

    private JsonNode body(Exchange e) {
        return io.caravan.runtime.api.Requests.body(e, json, true);
    }
}
