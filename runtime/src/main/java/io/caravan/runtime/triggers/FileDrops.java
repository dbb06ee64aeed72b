package io.caravan.runtime.triggers;

import io.caravan.connectors.storage.ObjectPaths;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.TriggerSpec;
import io.caravan.runtime.connections.ConnectionStore;
import io.caravan.runtime.execution.ExecutionService;
import io.caravan.runtime.execution.Ids;
import io.caravan.runtime.jobs.JobTriggers;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's {@code sftp} triggers as camel-sftp consumers, {@code job.<id>.sftp.<n>}: a file that has
 * stopped changing is taken once across all nodes (a JDBC idempotent repository in PostgreSQL,
 * keyed by job, trigger, name, size and time), streamed into S3 under its execution's
 * {@code files/}, and described in {@code context.files} and {@code trigger.file}; once the
 * execution has ended the file is moved or deleted ({@link FileDisposal}). The
 * connection's credentials and known hosts are set on the endpoint, never written into its URI;
 * an unknown or changed host key is refused.
 */
public final class FileDrops implements JobTriggers {

    /** The registry name of the idempotent repository the consumers share. */
    public static final String REPOSITORY = "caravan-file-drops";

    private static final Logger LOG = LoggerFactory.getLogger(FileDrops.class);
    private static final String WORK_DIR = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "caravan-file-drops")
            .toString();

    private final CamelContext camel;
    private final ConnectionStore connections;
    private final ObjectStore objects;
    private final ExecutionService runs;
    private final FileDropRepository drops;
    private final Map<String, List<TriggerSpec.Sftp>> installed = new HashMap<>();

    public FileDrops(CamelContext camel, ConnectionStore connections, ObjectStore objects, ExecutionService runs,
            FileDropRepository drops) {
        this.camel = camel;
        this.drops = drops;
        this.connections = connections;
        this.objects = objects;
        this.runs = runs;
    }

    @Override
    public synchronized void loaded(JobDefinition job) {
        List<TriggerSpec.Sftp> wanted = new ArrayList<>();
        if (job.runs()) {
            job.triggers().forEach(t -> {
                if (t instanceof TriggerSpec.Sftp s) {
                    wanted.add(s);
                }
            });
        }
        if (wanted.equals(installed.get(job.id()))) {
            return;
        }
        removed(job.id());
        for (int i = 0; i < wanted.size(); i++) {
            try {
                camel.addRoutes(route(job.id(), i, wanted.get(i)));
            } catch (Exception e) {
                LOG.error("job {}: sftp trigger {} not installed: {}", job.id(), i, e.getMessage());
            }
        }
        installed.put(job.id(), wanted);
    }

    @Override
    public synchronized void removed(String jobId) {
        try {
            TriggerRoutes.remove(camel, jobId, "sftp", installed.getOrDefault(jobId, List.of()).size());
        } catch (Exception e) {
            LOG.warn("job {}: sftp routes not removed: {}", jobId, e.getMessage());
        }
        installed.remove(jobId);
    }

    private static String routeId(String jobId, int index) {
        return TriggerRoutes.id(jobId, "sftp", index);
    }

    /** A file's key in the repository: its job, trigger, name, size and time (a changed file is a new one). */
    private static String key(String jobId, int index) {
        return jobId + "/" + index + "/${file:name}-${file:size}-${file:modified}";
    }

    private RouteBuilder route(String jobId, int index, TriggerSpec.Sftp trigger) throws Exception {
        ConnectionStore.Connection c = connections.open(trigger.connection())
                .orElseThrow(() -> new IllegalStateException("no connection '" + trigger.connection() + "'"));
        Object port = c.config().getOrDefault("port", 22);
        // Camel reads sftp://host/dir as "dir" under the login directory and sftp://host//dir as "/dir":
        // the directory goes in as written, so "/inbox" is absolute here as in sftp steps and in
        // FileDisposal's move, and "inbox" is under the login directory in all three
        String uri = "sftp://" + c.config().get("host") + ":" + port + "/" + trigger.directory()
                + "?username=" + c.config().get("username")
                + (trigger.include() == null ? "" : "&antInclude=" + trigger.include())
                + "&recursive=" + Boolean.TRUE.equals(trigger.recursive())
                // stable: not changed for the last 2-3 s by the server's clock (its mtime has whole
                // seconds); checked per file from its listing entry, not by watching each in turn
                + "&readLock=changed&readLockMinAge=3000&readLockCheckInterval=1000&readLockTimeout=20000"
                + "&fastExistsCheck=true"
                + "&idempotent=true&idempotentRepository=#" + REPOSITORY + "&idempotentKey=" + key(jobId, index)
                // a node takes a few files per poll, so the nodes of a cluster share a big drop
                + "&maxMessagesPerPoll=10&shuffle=true"
                + "&noop=true&stepwise=false&binary=true&delay=1000&autoCreate=false"
                // downloaded to a local file first, then streamed to S3: never a whole file in memory,
                // and the SFTP channel is free again for the next listing (a stream download holds it)
                + "&localWorkDirectory=" + WORK_DIR
                + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false";
        SftpEndpoint endpoint = camel.getEndpoint(uri, SftpEndpoint.class);
        // secrets on the endpoint's configuration: not in the URI, so not in route listings or logs
        if (c.secrets().get("password") != null) {
            endpoint.getConfiguration().setPassword(c.secrets().get("password"));
        }
        if (c.secrets().get("privateKey") != null) {
            endpoint.getConfiguration().setPrivateKey(c.secrets().get("privateKey").getBytes(StandardCharsets.UTF_8));
            endpoint.getConfiguration().setPrivateKeyPassphrase(c.secrets().get("passphrase"));
        }
        Object known = c.config().get("knownHosts");
        endpoint.getConfiguration().setKnownHosts(known == null ? new byte[0] : known.toString().getBytes(StandardCharsets.UTF_8));
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId(routeId(jobId, index)).routeGroup("file-drops")
                        .process(exchange -> take(jobId, index, trigger, c.name(), exchange)).id(routeId(jobId, index) + ".enqueue");
            }
        };
    }

    /** Streams the file into S3 under a new execution's id, then enqueues that execution. */
    private void take(String jobId, int index, TriggerSpec.Sftp trigger, String connection, Exchange exchange)
            throws Exception {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String relative = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        long size = exchange.getMessage().getBody(java.io.File.class).length();
        Long modified = exchange.getMessage().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
        String fileKey = exchange.getContext().resolveLanguage("simple").createExpression(key(jobId, index))
                .evaluate(exchange, String.class);
        if (size != exchange.getMessage().getHeader(Exchange.FILE_LENGTH, Long.class)) {
            // it grew between the listing and the download: what the key names is not what was read;
            // let go of it, and the file is listed and taken again once it is stable
            LOG.info("job {}: file {} changed while being taken; it is taken again once it is stable", jobId, relative);
            drops.remove(fileKey);
            return;
        }
        UUID id = Ids.timeOrdered();
        String key = ObjectPaths.context(jobId, id.toString()).replace("context.json", "files/" + name);
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            objects.putStream(key, in, size, "application/octet-stream");
        }
        Map<String, Object> file = new LinkedHashMap<>();
        // the same key the consumer recorded, so that the file's row and its execution find each other
        file.put("key", fileKey);
        file.put("path", key); // where the execution's steps read it: csv.read's file: "{{ trigger.file }}"
        file.put("filename", name);
        file.put("connection", connection);
        file.put("directory", trigger.directory());
        file.put("name", relative);
        file.put("size", size);
        file.put("modified_at", modified == null ? null : Instant.ofEpochMilli(modified).toString());
        file.put("after", trigger.after() == null ? "move" : trigger.after());
        file.put("move_to", trigger.moveTo() == null ? ".done" : trigger.moveTo());
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("path", key);
        stored.put("filename", name);
        stored.put("size", size);
        stored.put("mime_type", "application/octet-stream");
        stored.put("created_at", Instant.now().toString());
        Map<String, Object> triggerData = new LinkedHashMap<>();
        triggerData.put("type", "sftp");
        triggerData.put("file", file);
        triggerData.put("files", List.of(stored));
        runs.enqueueAs(id, jobId, triggerData);
        LOG.info("job {}: file {} taken as execution {}", jobId, relative, id);
    }
}
