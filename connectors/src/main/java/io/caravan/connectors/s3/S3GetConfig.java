package io.caravan.connectors.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code s3.get} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record S3GetConfig(
        @JsonPropertyDescription("Name of an s3 connection; default Caravan's own S3 endpoint (another bucket).")
        String connection,
        @JsonPropertyDescription("Bucket; default the connection's.") String bucket,
        @JsonProperty(required = true) @JsonPropertyDescription("Object key.") String key,
        @JsonPropertyDescription("Name of the file of the execution to stream the object into; default the key's last"
                + " part.")
        String saveAs) {
}
