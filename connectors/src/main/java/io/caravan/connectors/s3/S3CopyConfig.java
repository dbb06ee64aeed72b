package io.caravan.connectors.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code s3.copy} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record S3CopyConfig(
        @JsonPropertyDescription("Name of an s3 connection; default Caravan's own S3 endpoint (another bucket).")
        String connection,
        @JsonPropertyDescription("Bucket of the object copied; default the connection's.") String bucket,
        @JsonProperty(required = true) @JsonPropertyDescription("Key of the object copied.") String key,
        @JsonPropertyDescription("Bucket to copy to; default the same.") String toBucket,
        @JsonProperty(required = true) @JsonPropertyDescription("Key to copy to.") String toKey) {
}
