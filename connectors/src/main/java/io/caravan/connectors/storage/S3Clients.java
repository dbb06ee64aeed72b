package io.caravan.connectors.storage;

import io.minio.MinioClient;
import io.minio.http.HttpUtils;
import java.time.Duration;
import java.util.List;
import okhttp3.ConnectionSpec;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * MinIO clients tuned for checkpointing. minio-java sends every call through OkHttp's dispatcher,
 * whose default lets 5 requests reach one host at a time: the workers' checkpoints would queue
 * behind each other, so this allows 64. And it builds a new OkHttp client for each streamed PUT,
 * which, with TLS set up, compares the whole trust store every time: an {@code http://} endpoint
 * gets a clear-text-only client that skips all of that.
 */
public final class S3Clients {

    private static final long TIMEOUT_MILLIS = Duration.ofMinutes(5).toMillis();

    private S3Clients() {
    }

    /** A client of an S3-compatible endpoint; {@code accessKey} null for anonymous access. */
    public static MinioClient client(String endpoint, String accessKey, String secretKey, String region) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(256);
        dispatcher.setMaxRequestsPerHost(64);
        OkHttpClient.Builder http = HttpUtils.newDefaultHttpClient(TIMEOUT_MILLIS, TIMEOUT_MILLIS, TIMEOUT_MILLIS)
                .newBuilder().dispatcher(dispatcher);
        if (endpoint.startsWith("http://")) {
            http.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
        }
        MinioClient.Builder builder = MinioClient.builder().endpoint(endpoint).region(region).httpClient(http.build());
        if (accessKey != null) {
            builder.credentials(accessKey, secretKey == null ? "" : secretKey);
        }
        return builder.build();
    }
}
