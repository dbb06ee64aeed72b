package io.caravan.connectors.storage;

import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.io.InputStream;
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

    private final ProducerTemplate producer;
    private final String bucket;

    public ObjectStore(CamelContext camel, String bucket) {
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

    /** Reads an object whole, or null when there is none. */
    public byte[] get(String key) {
        Exchange result = send(uri("getObject"), key, e -> e.getMessage().setHeader(MinioConstants.OBJECT_NAME, key));
        if (result.getException() != null) {
            if (isMissing(result.getException())) {
                return null;
            }
            rethrow(result, "read", key);
        }
        try (InputStream in = result.getMessage().getBody(InputStream.class)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read object " + key + ": " + e.getMessage(), e);
        }
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

    /** The object store failed. */
    public static final class ObjectStoreException extends RuntimeException {
        public ObjectStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
