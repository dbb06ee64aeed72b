package io.caravan.runtime.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.connectors.storage.ObjectPaths;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.compiler.JobCompiler;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.Namespaces;
import io.caravan.job.validation.JobInvalidException;
import io.caravan.job.validation.JobValidator;
import io.caravan.job.validation.Problem;
import io.caravan.runtime.api.ApiException;
import io.caravan.runtime.store.JobRow;
import io.caravan.runtime.store.JobStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes and removes jobs: validates the document, writes it to the object store
 * (every version and the current definition), records the row, and loads the route.
 */
public final class JobService {

    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile(JobDefinition.ID_PATTERN);

    private final JobStore jobs;
    private final ObjectStore objects;
    private final JobValidator validator;
    private final JobCompiler compiler;
    private final LoadedJobs loaded;
    private final Supplier<Set<String>> connections;
    private final ObjectMapper json;
    private volatile JobTriggers triggers = JobTriggers.NONE;

    public JobService(JobStore jobs, ObjectStore objects, JobValidator validator, JobCompiler compiler,
            LoadedJobs loaded, Supplier<Set<String>> connections, ObjectMapper json) {
        this.jobs = jobs;
        this.objects = objects;
        this.validator = validator;
        this.compiler = compiler;
        this.loaded = loaded;
        this.connections = connections;
        this.json = json;
    }

    /** Who else follows the jobs loaded here: their triggers. */
    public void setTriggers(JobTriggers triggers) {
        this.triggers = triggers;
    }

    /** Every problem of a document, without saving anything. */
    public List<Problem> validate(JsonNode document) {
        return validate(document, Set.of());
    }

    /**
     * Every problem of a document, counting {@code alsoKnown} as connections that exist. The
     * connections it may name are those of its own namespace.
     */
    public List<Problem> validate(JsonNode document, Set<String> alsoKnown) {
        Set<String> known = new java.util.HashSet<>(connectionsIn(namespaceOf(document)));
        known.addAll(alsoKnown);
        return validator.validate(document, known);
    }

    /** The namespace a document names, the default one when it names none (or none valid). */
    public static String namespaceOf(JsonNode document) {
        String namespace = document.path("namespace").asText(Namespaces.DEFAULT);
        return Namespaces.valid(namespace) ? namespace : Namespaces.DEFAULT;
    }

    /** The key of the job a document describes, {@code <namespace>.<id>} outside the default namespace. */
    public static String keyOf(JsonNode document) {
        return Namespaces.key(namespaceOf(document), document.path("id").asText());
    }

    /** Whether {@code key} is one a job could have: an id, or {@code <namespace>.<id>}. */
    public static boolean validKey(String key) {
        return Namespaces.validKey(key, ID);
    }

    /** The connections a job of {@code namespace} may name: its own and the embedded one. */
    private Set<String> connectionsIn(String namespace) {
        Set<String> all = connections.get();
        Set<String> names = Namespaces.within(all, namespace);
        if (all.contains(io.caravan.runtime.connections.ConnectionRegistry.LOCAL)) {
            names.add(io.caravan.runtime.connections.ConnectionRegistry.LOCAL);
        }
        return names;
    }

    /** Creates a job at version 1. */
    public JobRow create(JsonNode document, JobStore.Change change) {
        JobDefinition job = parse(document);
        String key = job.id();
        if (jobs.find(key).isPresent()) {
            throw ApiException.conflict(exists(job));
        }
        JobRow row = jobs.create(row(job, 1), ObjectPaths.version(key, 1), checksum(document), change,
                () -> write(key, document, 1))
                .orElseThrow(() -> ApiException.conflict(exists(job)));
        install(job, 1);
        LOG.info("job {} created", key);
        return row;
    }

    private static String exists(JobDefinition job) {
        return "a job with id '" + Namespaces.local(job.id()) + "' exists already in namespace '" + job.namespaceOrDefault() + "'";
    }

    /** Stores a new version of a job and reloads its route. */
    public JobRow update(String id, JsonNode document, JobStore.Change change) {
        String namespace = Namespaces.of(id);
        if (document instanceof ObjectNode object) {
            if (!object.has("id")) {
                object.put("id", Namespaces.local(id));
            }
            if (!object.has("namespace") && !namespace.equals(Namespaces.DEFAULT)) {
                object.put("namespace", namespace);
            }
        }
        String bodyId = document.path("id").asText(null);
        if (bodyId != null && !bodyId.equals(Namespaces.local(id))) {
            throw ApiException.badRequest("a job's id cannot change", List.of(new Problem("$.id",
                    "is '" + bodyId + "' but the job is '" + Namespaces.local(id) + "'; ids are immutable")));
        }
        if (!document.path("namespace").asText(Namespaces.DEFAULT).equals(namespace)) {
            throw ApiException.badRequest("a job's namespace cannot change", List.of(new Problem("$.namespace",
                    "is '" + document.path("namespace").asText() + "' but the job is in '" + namespace + "'; export and import it to move it")));
        }
        JobRow current = jobs.find(id).orElseThrow(() -> ApiException.notFound("no job '" + id + "'"));
        JobDefinition job = parse(document);
        int version = current.currentVersion() + 1;
        JobRow row = jobs.update(row(job, version), current.currentVersion(), ObjectPaths.version(id, version),
                checksum(document), change, () -> write(id, document, version))
                .orElseThrow(() -> ApiException.conflict(
                        "job '" + id + "' was changed or deleted meanwhile; read it and try again"));
        install(job, version);
        LOG.info("job {} updated to version {}", id, version);
        return row;
    }

    /** Deletes a job: its row and definition go, its route is removed; executions stay. */
    public void delete(String id) {
        if (!jobs.delete(id)) {
            throw ApiException.notFound("no job '" + id + "'");
        }
        objects.delete(ObjectPaths.definition(id));
        drop(id);
        LOG.info("job {} deleted", id);
    }

    /** A page of jobs by id; tag and query (id or name contains) may be null. */
    public List<JobRow> list(String tag, String query, int limit, int offset) {
        return jobs.list(tag, query, limit, offset);
    }

    /** A page of the catalogue. */
    public List<JobStore.Summary> search(JobStore.JobQuery query, int limit, int offset) {
        return jobs.search(query, limit, offset);
    }

    /** A job's row, if the job exists. */
    public java.util.Optional<JobRow> find(String id) {
        return jobs.find(id);
    }

    /** A job's row. */
    public JobRow get(String id) {
        return jobs.find(id).orElseThrow(() -> ApiException.notFound("no job '" + id + "'"));
    }

    /** A job's current definition, read from the object store. */
    public JsonNode definition(JobRow row) {
        return document(row.id(), row.definitionPath());
    }

    /** The document stored at {@code path} for a job (its definition or one of its versions). */
    public JsonNode document(String jobId, String path) {
        byte[] bytes = objects.get(path);
        if (bytes == null) {
            throw new IllegalStateException("a document of job " + jobId + " is missing at " + path);
        }
        try {
            return json.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a document of job " + jobId + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Compiles and loads every stored job; a job that no longer loads is logged and left out. */
    public int loadAll() {
        int count = 0;
        for (int offset = 0; ; offset += 500) {
            List<JobRow> page = jobs.list(null, null, 500, offset);
            for (JobRow row : page) {
                try {
                    install(internal(definition(row)), row.currentVersion());
                    count++;
                } catch (Exception e) {
                    LOG.error("job {} could not be loaded: {}", row.id(), e.getMessage());
                }
            }
            if (page.size() < 500) {
                return count;
            }
        }
    }

    /**
     * A job's definition at its current version: the one compiled into this node's route when
     * that is current, else read from the object store.
     */
    public JobDefinition currentDefinition(JobRow row) {
        var compiled = loaded.current(row.id());
        if (compiled != null && compiled.version() == row.currentVersion()) {
            return compiled.job();
        }
        try {
            return internal(definition(row));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("job " + row.id() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #refresh(String)}, without a read of the store when the job's current version is
     * known (the claim of an execution reads it) and is the one loaded here.
     */
    public void refresh(String id, Integer currentVersion) {
        var current = loaded.current(id);
        if (currentVersion == null || current == null || current.version() != currentVersion) {
            refresh(id);
        }
    }

    /** Ensures this node runs the version the store says is current (another node may have changed it). */
    public void refresh(String id) {
        Optional<JobRow> row = jobs.find(id);
        if (row.isEmpty()) {
            drop(id);
            return;
        }
        refresh(row.get());
    }

    private void refresh(JobRow row) {
        var current = loaded.current(row.id());
        if (current == null || current.version() != row.currentVersion()) {
            try {
                install(internal(definition(row)), row.currentVersion());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("job " + row.id() + " cannot be read: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Brings this node in line with the store: jobs created, changed or deleted through another
     * node are loaded, reloaded or dropped here — their routes and triggers with them.
     *
     * @return how many jobs changed here
     */
    public int sync() {
        Map<String, Integer> stored = jobs.versions();
        int changed = 0;
        for (Map.Entry<String, Integer> e : stored.entrySet()) {
            var current = loaded.current(e.getKey());
            if (current == null || current.version() != e.getValue()) {
                try {
                    jobs.find(e.getKey()).ifPresent(this::refresh);
                    changed++;
                } catch (RuntimeException failure) {
                    LOG.error("job {} could not be loaded: {}", e.getKey(), failure.getMessage());
                }
            }
        }
        for (String id : loaded.ids()) {
            if (!stored.containsKey(id)) {
                drop(id);
                changed++;
            }
        }
        return changed;
    }

    /** The jobs (by key) whose steps, triggers or expressions name a connection (by key). */
    public List<String> jobsUsing(String connection) {
        List<String> users = new java.util.ArrayList<>();
        String namespace = Namespaces.of(connection);
        for (JobRow row : jobs.list(null, null, Integer.MAX_VALUE, 0)) {
            if (Namespaces.of(row.id()).equals(namespace)
                    && JobReferences.connections(definition(row)).contains(Namespaces.local(connection))) {
                users.add(row.id());
            }
        }
        return users;
    }

    private void install(JobDefinition job, int version) {
        loaded.install(compiler.compile(job, version));
        triggers.loaded(job);
    }

    private void drop(String id) {
        loaded.remove(id);
        triggers.removed(id);
    }

    /**
     * The job a stored, valid document describes, as this node runs it: named by its key, with
     * the connections it names resolved in its namespace.
     */
    private JobDefinition internal(JsonNode document) throws com.fasterxml.jackson.core.JsonProcessingException {
        return json.treeToValue(JobReferences.qualified(document, namespaceOf(document)), JobDefinition.class).keyed();
    }

    private JobDefinition parse(JsonNode document) {
        try {
            validator.parse(document, connectionsIn(namespaceOf(document)));
            return internal(document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) { // the validator read it already
            throw new IllegalStateException(e);
        } catch (JobInvalidException e) {
            throw ApiException.badRequest("the job document is not valid: " + e.problems().size() + " problem(s)",
                    e.problems());
        }
    }

    /** Writes a version's document and makes it the current definition. */
    private void write(String jobId, JsonNode document, int version) {
        byte[] bytes;
        try {
            bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        objects.put(ObjectPaths.version(jobId, version), bytes, "application/json");
        objects.put(ObjectPaths.definition(jobId), bytes, "application/json");
    }

    private static JobRow row(JobDefinition job, int version) {
        Integer limit = job.concurrency() == null ? null : job.concurrency().effectiveLimit();
        String onLimit = limit == null || job.concurrency().onLimit() == null ? null
                : job.concurrency().onLimit().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return new JobRow(job.id(), job.name(), job.isEnabled(), job.tags(), job.category(), job.isTemplate(), version,
                ObjectPaths.definition(job.id()),
                limit, onLimit, null, null);
    }

    private String checksum(JsonNode document) {
        try {
            byte[] canonical = json.writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
