package io.caravan.connectors.storage;

import io.minio.GetObjectResponse;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.ServerSideEncryption;
import io.minio.ServerSideEncryptionKms;
import io.minio.ServerSideEncryptionS3;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.minio.MinioConstants;

/**
 * The S3-compatible store (MinIO in production, s3proxy embedded), reached through camel-minio
 * with the {@link io.minio.MinioClient} bound in the registry as {@value #CLIENT_BEAN}. Writes go
 * through the client itself: camel-minio's put sends neither conditional nor server-side
 * encryption headers. With a {@link ServerSideEncryption} every write asks the store to encrypt.
 */
public final class ObjectStore {

    /** Registry name of the MinioClient. */
    public static final String CLIENT_BEAN = "caravan-minio";

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final String bucket;
    private final ServerSideEncryption encryption;
    /** Set once the bucket is known to exist: a streamed write cannot be sent again after NoSuchBucket. */
    private volatile boolean bucketSeen;

    /** A store whose objects are written as they are sent. */
    public ObjectStore(CamelContext camel, String bucket) {
        this(camel, bucket, null);
    }

    /**
     * A store whose every write carries {@code encryption} (SSE-S3 or SSE-KMS): definitions,
     * versions, contexts and files alike.
     */
    public ObjectStore(CamelContext camel, String bucket, ServerSideEncryption encryption) {
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.bucket = bucket;
        this.encryption = encryption;
    }

    /**
     * The encryption {@code CARAVAN_S3_SSE} names: {@code AES256} (SSE-S3, keys the store
     * manages) or {@code aws:kms} with the key's id (SSE-KMS); null for none.
     */
    public static ServerSideEncryption encryption(String mode, String kmsKey) {
        if (mode == null) {
            return null;
        }
        return switch (mode) {
            case "AES256" -> new ServerSideEncryptionS3();
            case "aws:kms" -> {
                try {
                    yield new ServerSideEncryptionKms(kmsKey, null);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e); // only an encryption context is serialised, and there is none
                }
            }
            default -> throw new IllegalArgumentException("unknown server-side encryption '" + mode + "'");
        };
    }

    /** The bucket everything goes to. */
    public String bucket() {
        return bucket;
    }

    /** The camel-minio URI of an operation on the bucket (null: put, which this class sends through the client). */
    public String uri(String operation) {
        return "minio:" + bucket + "?minioClient=#" + CLIENT_BEAN + "&autoCreateBucket=true"
                + (operation == null ? "" : "&operation=" + operation);
    }

    /** Writes an object whole. */
    public void put(String key, byte[] data, String contentType) {
        write(key, data, contentType, Map.of());
    }

    /** Writes an object from a stream of known length, never holding it whole in memory. */
    public void putStream(String key, InputStream data, long length, String contentType) {
        try {
            if (!bucketSeen) {
                createBucket();
                bucketSeen = true;
            }
            client().putObject(args(key, contentType, Map.of()).stream(data, length, -1).build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot write object " + key + ": " + e.getMessage(), e);
        }
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
        try {
            return write(key, data, contentType, condition);
        } catch (ObjectStoreException e) {
            if (e.getCause() instanceof ErrorResponseException r && r.response() != null && r.response().code() == 412) {
                throw new ConflictException("object " + key + " was changed by another writer"
                        + (expected == null ? " (it exists already)" : " since version " + expected), r);
            }
            throw e;
        }
    }

    /** One PUT of bytes with these headers; a missing bucket is made and the PUT sent again. */
    private String write(String key, byte[] data, String contentType, Map<String, String> headers) {
        try {
            try {
                String etag = unquote(client().putObject(args(key, contentType, headers)
                        .stream(new ByteArrayInputStream(data), data.length, -1).build()).etag());
                bucketSeen = true;
                return etag;
            } catch (ErrorResponseException e) {
                if (!"NoSuchBucket".equals(e.errorResponse().code())) {
                    throw e;
                }
                createBucket(); // as camel-minio's autoCreateBucket does for the other operations
                return unquote(client().putObject(args(key, contentType, headers)
                        .stream(new ByteArrayInputStream(data), data.length, -1).build()).etag());
            }
        } catch (Exception e) {
            throw new ObjectStoreException("cannot write object " + key + ": " + e.getMessage(), e);
        }
    }

    private PutObjectArgs.Builder args(String key, String contentType, Map<String, String> headers) {
        PutObjectArgs.Builder put = PutObjectArgs.builder().bucket(bucket).object(key).contentType(contentType)
                .headers(headers);
        return encryption == null ? put : put.sse(encryption);
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

    /**
     * Removes every object under {@code prefix} (which ends with '/'), listed and removed in
     * batches through the MinIO client (camel-minio has no removal of many at once).
     *
     * @return how many objects were removed
     */
    public int deleteUnder(String prefix) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a prefix to delete under ends with '/': " + prefix);
        }
        try {
            List<io.minio.messages.DeleteObject> keys = new ArrayList<>();
            for (io.minio.Result<io.minio.messages.Item> item : client().listObjects(io.minio.ListObjectsArgs.builder()
                    .bucket(bucket).prefix(prefix).recursive(true).build())) {
                keys.add(new io.minio.messages.DeleteObject(item.get().objectName()));
            }
            if (keys.isEmpty()) {
                return 0;
            }
            for (io.minio.Result<io.minio.messages.DeleteError> error : client().removeObjects(
                    io.minio.RemoveObjectsArgs.builder().bucket(bucket).objects(keys).build())) {
                io.minio.messages.DeleteError failed = error.get(); // the removal is lazy: iterating sends it
                throw new ObjectStoreException("cannot delete object " + failed.objectName() + ": " + failed.message(), null);
            }
            return keys.size();
        } catch (ObjectStoreException e) {
            throw e;
        } catch (Exception e) {
            throw new ObjectStoreException("cannot delete the objects under " + prefix + ": " + e.getMessage(), e);
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
