package io.caravan.connectors.storage;

import io.minio.GetObjectResponse;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.minio.MinioConstants;

/**
 * The S3-compatible store (MinIO in production, s3proxy embedded), reached through camel-minio
 * with the {@link io.minio.MinioClient} bound in the registry as {@value #CLIENT_BEAN}.
 */
public final class ObjectStore {

    /** Registry name of the MinioClient. */
    public static final String CLIENT_BEAN = "caravan-minio";

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final String bucket;

    public ObjectStore(CamelContext camel, String bucket) {
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.bucket = bucket;
    }

    /** The bucket everything goes to. */
    public String bucket() {
        return bucket;
    }

    /** The camel-minio URI of an operation on the bucket (null: put). */
    public String uri(String operation) {
        return "minio:" + bucket + "?minioClient=#" + CLIENT_BEAN + "&autoCreateBucket=true"
                + (operation == null ? "" : "&operation=" + operation);
    }

    /** Writes an object whole. */
    public void put(String key, byte[] data, String contentType) {
        Exchange result = send(uri(null), key, e -> {
            e.getMessage().setBody(data);
            e.getMessage().setHeader(MinioConstants.OBJECT_NAME, key);
            e.getMessage().setHeader(MinioConstants.CONTENT_LENGTH, (long) data.length);
            e.getMessage().setHeader(MinioConstants.CONTENT_TYPE, contentType);
        });
        rethrow(result, "write", key);
    }

    /** Writes an object from a stream of known length, never holding it whole in memory. */
    public void putStream(String key, InputStream data, long length, String contentType) {
        Exchange result = send(uri(null), key, e -> {
            e.getMessage().setBody(data);
            e.getMessage().setHeader(MinioConstants.OBJECT_NAME, key);
            e.getMessage().setHeader(MinioConstants.CONTENT_LENGTH, length);
            e.getMessage().setHeader(MinioConstants.CONTENT_TYPE, contentType);
        });
        rethrow(result, "write", key);
    }

    /**
     * Opens an object for reading as a stream (the caller closes it), or null when there is none.
     * Nothing is read ahead: a large file passes through in the reader's own steps.
     */
    public InputStream open(String key) {
        Exchange result = send(uri("getObject"), key, e -> e.getMessage().setHeader(MinioConstants.OBJECT_NAME, key));
        if (result.getException() != null) {
            if (isMissing(result.getException())) {
                return null;
            }
            rethrow(result, "read", key);
        }
        return result.getMessage().getBody(InputStream.class);
    }

    /** An object's size in bytes, or -1 when there is none. */
    public long size(String key) {
        try {
            return client().statObject(io.minio.StatObjectArgs.builder().bucket(bucket).object(key).build()).size();
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchBucket".equals(e.errorResponse().code())) {
                return -1;
            }
            throw new ObjectStoreException("cannot read object " + key + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new ObjectStoreException("cannot read object " + key + ": " + e.getMessage(), e);
        }
    }

    /** Reads an object whole, or null when there is none. */
    public byte[] get(String key) {
        Versioned object = read(key);
        return object == null ? null : object.data();
    }

    /** Reads an object whole with its version (ETag), or null when there is none. */
    public Versioned read(String key) {
        Exchange result = send(uri("getObject"), key, e -> e.getMessage().setHeader(MinioConstants.OBJECT_NAME, key));
        if (result.getException() != null) {
            if (isMissing(result.getException())) {
                return null;
            }
            rethrow(result, "read", key);
        }
        Object body = result.getMessage().getBody();
        String etag = body instanceof GetObjectResponse response ? unquote(response.headers().get("ETag")) : null;
        try (InputStream in = result.getMessage().getBody(InputStream.class)) {
            return new Versioned(in.readAllBytes(), etag);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read object " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes an object whole only if it is still at version {@code expected} (its ETag), or — with
     * {@code expected} null — only if there is none yet: S3's conditional write ({@code If-Match},
     * {@code If-None-Match: *}), checked by the server, so two writers can never both win.
     * Done with the MinioClient itself: camel-minio's put sends no conditional headers (it turns
     * every extra header into {@code x-amz-meta-} user metadata).
     *
     * @return the object's new version
     * @throws ConflictException when the object is not at the expected version
     */
    public String putIf(String key, byte[] data, String contentType, String expected) {
        Map<String, String> condition = expected == null ? Map.of("If-None-Match", "*")
                : Map.of("If-Match", "\"" + expected + "\"");
        PutObjectArgs put = PutObjectArgs.builder().bucket(bucket).object(key).contentType(contentType)
                .headers(condition).stream(new ByteArrayInputStream(data), data.length, -1).build();
        try {
            try {
                return unquote(client().putObject(put).etag());
            } catch (ErrorResponseException e) {
                if (!"NoSuchBucket".equals(e.errorResponse().code())) {
                    throw e;
                }
                createBucket(); // as camel-minio's autoCreateBucket does for the other writes
                put = PutObjectArgs.builder().bucket(bucket).object(key).contentType(contentType)
                        .headers(condition).stream(new ByteArrayInputStream(data), data.length, -1).build();
                return unquote(client().putObject(put).etag());
            }
        } catch (ErrorResponseException e) {
            if (e.response() != null && e.response().code() == 412) {
                throw new ConflictException("object " + key + " was changed by another writer"
                        + (expected == null ? " (it exists already)" : " since version " + expected), e);
            }
            throw new ObjectStoreException("cannot write object " + key + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new ObjectStoreException("cannot write object " + key + ": " + e.getMessage(), e);
        }
    }

    private void createBucket() throws Exception {
        try {
            client().makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw e;
            }
        }
    }

    private MinioClient client() {
        MinioClient client = camel.getRegistry().lookupByNameAndType(CLIENT_BEAN, MinioClient.class);
        if (client == null) {
            throw new IllegalStateException("no MinioClient bound as " + CLIENT_BEAN);
        }
        return client;
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    /** Removes an object; no error when there is none. */
    public void delete(String key) {
        Exchange result = send(uri("deleteObject"), key, e -> e.getMessage().setHeader(MinioConstants.OBJECT_NAME, key));
        if (result.getException() != null && !isMissing(result.getException())) {
            rethrow(result, "delete", key);
        }
    }

    /** Sends to camel-minio; a store that cannot even be reached (e.g. at producer start) is an ObjectStoreException too. */
    private Exchange send(String uri, String key, org.apache.camel.Processor request) {
        try {
            return producer.send(uri, request);
        } catch (RuntimeException e) {
            throw new ObjectStoreException("cannot reach the object store for " + key + ": " + e.getMessage(), e);
        }
    }

    private static boolean isMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException r && "NoSuchKey".equals(r.errorResponse().code())) {
                return true;
            }
        }
        return false;
    }

    private static void rethrow(Exchange result, String action, String key) {
        Exception e = result.getException();
        if (e != null) {
            throw new ObjectStoreException("cannot " + action + " object " + key + ": " + e.getMessage(), e);
        }
    }

    /** An object's bytes and the version (ETag) they were read at. */
    public record Versioned(byte[] data, String etag) {
    }

    /** The object store failed. */
    public static class ObjectStoreException extends RuntimeException {
        public ObjectStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A conditional write found the object at another version: someone else wrote it since. */
    public static final class ConflictException extends ObjectStoreException {
        public ConflictException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
