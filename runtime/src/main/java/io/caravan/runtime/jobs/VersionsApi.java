package io.caravan.runtime.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.api.Replies;
import io.caravan.runtime.store.JobRow;
import io.caravan.runtime.store.JobStore;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * A job's history: {@code GET /jobs/{id}/versions[/{v}]} (a version by number or tag),
 * {@code GET /jobs/{id}/diff?from=&to=} (a JSON Patch, RFC 6902, from one document to the other,
 * each replaced value with the value it replaced), {@code POST /jobs/{id}/rollback?to=} (a new
 * version equal to an earlier one) and named tags, {@code PUT|DELETE /jobs/{id}/tags/{tag}}.
 */
public final class VersionsApi {

    /** A tag's name: not a number, so that a version reference is never ambiguous. */
    public static final Pattern TAG = Pattern.compile("[a-z][a-z0-9._-]{0,62}");


    private final JobService jobs;
    private final JobStore store;
    private final ObjectMapper json;

    public VersionsApi(JobService jobs, JobStore store, ObjectMapper json) {
        this.jobs = jobs;
        this.store = store;
        this.json = json;
    }

    public void list(Exchange e) throws Exception {
        JobRow job = jobs.get(jobId(e));
        ObjectNode out = json.createObjectNode().put("job_id", job.id()).put("current", job.currentVersion());
        var items = out.putArray("items");
        store.versions(job.id()).forEach(v -> items.add(view(v)));
        reply(e, 200, out);
    }

    public void get(Exchange e) throws Exception {
        String id = jobId(e);
        JobStore.Version version = version(id, e.getMessage().getHeader("version", String.class), "$.version");
        ObjectNode out = view(version);
        out.set("definition", jobs.document(id, version.path()));
        reply(e, 200, out);
    }

    public void diff(Exchange e) throws Exception {
        String id = jobId(e);
        JobRow job = jobs.get(id);
        String from = e.getMessage().getHeader("from", String.class);
        String to = e.getMessage().getHeader("to", String.class);
        if (from == null) {
            throw ApiException.badRequest("say which versions to compare", List.of(new Problem("$.from",
                    "give ?from=<version or tag> (and ?to=, default the current version)")));
        }
        JobStore.Version older = version(id, from, "$.from");
        JobStore.Version newer = version(id, to == null ? String.valueOf(job.currentVersion()) : to, "$.to");
        JsonNode patch = JsonPatches.diff(jobs.document(id, older.path()), jobs.document(id, newer.path()));
        ObjectNode out = json.createObjectNode().put("job_id", id).put("from", older.version()).put("to", newer.version());
        out.set("changes", patch);
        reply(e, 200, out);
    }

    public void rollback(Exchange e) throws Exception {
        String id = jobId(e);
        String to = e.getMessage().getHeader("to", String.class);
        if (to == null) {
            throw ApiException.badRequest("say which version to go back to", List.of(new Problem("$.to",
                    "give ?to=<version or tag>")));
        }
        JobStore.Version target = version(id, to, "$.to");
        String message = e.getMessage().getHeader("message", String.class);
        JobRow row = jobs.update(id, jobs.document(id, target.path()), new JobStore.Change(io.caravan.runtime.access.Tokens.holderOf(e),
                message != null ? message : "rollback to version " + target.version()));
        reply(e, 200, json.createObjectNode().put("id", row.id()).put("current_version", row.currentVersion())
                .put("rolled_back_to", target.version()));
    }

    /** {@code PUT /jobs/{id}/tags/{tag}} with {@code {"version": n}} (default the current one). */
    public void tag(Exchange e) throws Exception {
        String id = jobId(e);
        JobRow job = jobs.get(id);
        String tag = tagName(e);
        JsonNode body = io.caravan.runtime.api.Requests.body(e, json, true);
        JsonNode version = body.path("version");
        if (!(version.isMissingNode() || version.canConvertToInt() && version.isIntegralNumber())) {
            throw ApiException.badRequest("send {\"version\": <number>}", List.of(new Problem("$.version", "must be a version number")));
        }
        JobStore.Version target = version(id, version.isMissingNode() ? String.valueOf(job.currentVersion())
                : version.asText(), "$.version");
        store.tag(id, tag, target.version());
        reply(e, 200, view(store.version(id, target.version()).orElseThrow()));
    }

    public void untag(Exchange e) {
        String id = jobId(e);
        jobs.get(id);
        String tag = tagName(e);
        if (!store.untag(id, tag)) {
            throw ApiException.notFound("job '" + id + "' has no tag '" + tag + "'");
        }
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        e.getMessage().setBody(null);
    }

    /** A version by number or tag; 404 when the job has none such. */
    private JobStore.Version version(String jobId, String ref, String field) {
        jobs.get(jobId);
        int number;
        if (ref != null && ref.matches("[0-9]{1,9}")) {
            number = Integer.parseInt(ref);
        } else if (ref != null && TAG.matcher(ref).matches()) {
            number = store.tagged(jobId, ref).orElseThrow(() -> ApiException.notFound("job '" + jobId + "' has no tag '" + ref + "'"));
        } else {
            throw ApiException.badRequest("not a version", List.of(new Problem(field, "must be a version number or a tag")));
        }
        return store.version(jobId, number).orElseThrow(() -> ApiException.notFound("job '" + jobId + "' has no version " + ref));
    }

    private ObjectNode view(JobStore.Version v) {
        ObjectNode node = json.createObjectNode();
        node.put("version", v.version());
        node.put("author", v.author());
        node.put("message", v.message());
        node.put("checksum", v.checksum());
        node.put("created_at", v.createdAt().toString());
        var tags = node.putArray("tags");
        v.tags().forEach(tags::add);
        return node;
    }

    private static String tagName(Exchange e) {
        String tag = e.getMessage().getHeader("tag", String.class);
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw ApiException.badRequest("not a tag name", List.of(new Problem("$.tag",
                    "must start with a letter and hold lower-case letters, digits, '.', '_' or '-' (at most 63)")));
        }
        return tag;
    }

    private static String jobId(Exchange e) {
        return e.getMessage().getHeader("id", String.class);
    }

    private void reply(Exchange e, int status, JsonNode body) throws Exception {
        Replies.json(e, status, body, json);
    }
}
