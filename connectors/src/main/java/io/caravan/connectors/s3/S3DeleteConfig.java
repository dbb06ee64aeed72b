package io.caravan.connectors.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Config of an {@code s3.delete} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record S3DeleteConfig(
        @JsonPropertyDescription("Name of an s3 connection; default Caravan's own S3 endpoint (another bucket).")
        String connection,
        @JsonPropertyDescription("Bucket; default the connection's.") String bucket,
        @JsonPropertyDescription("The object to remove. Give key or keys.") String key,
        @JsonPropertyDescription("Objects to remove.") List<String> keys) {
}
