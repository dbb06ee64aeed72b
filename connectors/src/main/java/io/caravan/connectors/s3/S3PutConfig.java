package io.caravan.connectors.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code s3.put} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record S3PutConfig(
        @JsonPropertyDescription("Name of an s3 connection; default Caravan's own S3 endpoint (another bucket).")
        String connection,
        @JsonPropertyDescription("Bucket; default the connection's.") String bucket,
        @JsonProperty(required = true) @JsonPropertyDescription("Object key.") String key,
        @JsonPropertyDescription("Content: an object or array is written as JSON, a string as text. Give body or file.")
        Object body,
        @JsonPropertyDescription("A file of the execution to write, streamed (a step's output.file).") Object file,
        @JsonPropertyDescription("Content type; default from the body or the file.") String contentType) {
}
