package io.caravan.connectors.s3;

import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.storage.ObjectStore;
import io.caravan.connectors.storage.S3Clients;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import io.minio.MinioClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.minio.MinioConstants;

/**
 * Where an s3 step works: a bucket of Caravan's own S3 store (its endpoint and credentials), or
 * of a named connection of type s3 (another endpoint, other credentials). Caravan's own bucket is
 * out of reach: it holds every job's definitions, checkpoints and files, which a step of one job
 * must neither read nor overwrite. Requests go through camel-minio with the client bound in the
 * registry; a connection's client is built once per version of its settings. Public for the
 * kinds of other packages that read or write a bucket ({@code sftp.sync}).
 *
 * @param clientBean registry name of the MinioClient that reaches the bucket
 * @param bucket the bucket; null when neither the step nor the connection names one
 */
public record S3Target(String clientBean, String bucket) {

    private static final Map<String, Map.Entry<ConnectionSettings, MinioClient>> CLIENTS = new ConcurrentHashMap<>();

    /**
     * What S3 accepts as a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens,
     * starting and ending with a letter or digit. The name goes into the camel-minio endpoint's URI,
     * so a name that is anything else could carry endpoint options ({@code ?minioClient=…}) — it is
     * refused before any endpoint is made.
     */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** The bucket a step names, with the client that reaches it. */
    public static S3Target of(StepCall call, String connection, String bucket) throws StepException {
        return of(call, connection, bucket, "bucket");
    }

    /**
     * As {@link #of(StepCall, String, String)}, naming the step's field that gave the bucket.
     *
     * @throws StepException (type {@code config}) when the bucket is no S3 bucket name
     */
    public static S3Target of(StepCall call, String connection, String bucket, String field) throws StepException {
        S3Target target = resolve(call, connection, bucket);
        String problem = bucketProblem(target.bucket());
        if (problem != null) {
            throw new StepException("config", field + ": " + problem, false);
        }
        return target;
    }

    /** Reports a bucket written in the job document that S3 would refuse; an expression is checked when the step runs. */
    public static void check(String bucket, String field, Problems problems) {
        if (bucket != null && !Template.hasPlaceholder(bucket)) {
            String problem = bucketProblem(bucket);
            if (problem != null) {
                problems.add(field, problem);
            }
        }
    }

    /** What is wrong with a bucket name, or null; a missing one is left to the caller. */
    private static String bucketProblem(String bucket) {
        if (bucket == null || bucket.isBlank() || BUCKET.matcher(bucket).matches() && !bucket.contains("..")) {
            return null;
        }
        String shown = bucket.length() > 80 ? bucket.substring(0, 80) + "…" : bucket;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "' is not an S3 bucket name (3 to 63 lower-case letters,"
                + " digits, '.' and '-')";
    }

    private static S3Target resolve(StepCall call, String connection, String bucket) throws StepException {
        if (connection == null) {
            if (bucket == null || bucket.isBlank()) {
                throw new StepException("config", "bucket: give the bucket to use", false);
            }
            ObjectStore own = call.camel().getRegistry().lookupByNameAndType(ExecutionFiles.BEAN, ObjectStore.class);
            if (own != null && own.bucket().equals(bucket)) {
                throw new StepException("s3.forbidden", "bucket '" + bucket + "' is Caravan's own store (definitions,"
                        + " checkpoints, files); steps work on other buckets — use files and steps' output.file for"
                        + " the execution's own files", false);
            }
            return new S3Target(ObjectStore.CLIENT_BEAN, bucket);
        }
        ConnectionSettings settings = ConnectionSettings.of(call, connection, "s3");
        String bean = "caravan-s3-" + connection;
        Map.Entry<ConnectionSettings, MinioClient> held = CLIENTS.get(connection);
        if (held == null || !held.getKey().equals(settings)) {
            MinioClient client = S3Clients.client(settings.text("endpoint"), settings.text("accessKey"),
                    settings.secrets().get("secretKey"), settings.text("region") == null ? "us-east-1"
                            : settings.text("region"));
            CLIENTS.put(connection, Map.entry(settings, client));
            call.camel().getRegistry().bind(bean, MinioClient.class, client);
        }
        return new S3Target(bean, bucket == null ? settings.text("bucket") : bucket);
    }

    /** Sends one camel-minio operation; its failure, classified. */
    public Exchange send(StepCall call, String operation, String key, Processor request) throws StepException {
        return send(call, operation, "", key, request);
    }

    /** As {@link #send(StepCall, String, String, Processor)}, with more endpoint options ({@code &name=value}). */
    public Exchange send(StepCall call, String operation, String options, String key, Processor request) throws StepException {
        // camel-minio writes when no operation is named: it has no putObject operation
        String named = operation.equals("putObject") ? "" : "&operation=" + operation;
        Exchange result = call.producer().send("minio:" + bucket + "?minioClient=#" + clientBean
                + "&autoCreateBucket=false" + named + options, exchange -> {
                    exchange.getMessage().setHeader(MinioConstants.OBJECT_NAME, key);
                    request.process(exchange);
                });
        if (result.getException() != null) {
            throw S3Errors.classify(result.getException(), operation, bucket, key);
        }
        return result;
    }
}
