package io.caravan.connectors.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code s3.list} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record S3ListConfig(
        @JsonPropertyDescription("Name of an s3 connection; default Caravan's own S3 endpoint (another bucket).")
        String connection,
        @JsonPropertyDescription("Bucket; default the connection's.") String bucket,
        @JsonPropertyDescription("Only keys starting with this.") String prefix,
        @JsonPropertyDescription("Whether keys below '/' levels are listed too; default true.") Boolean recursive,
        @JsonPropertyDescription("Most objects listed, 1 to 10000; default 1000 (output.truncated says when there were"
                + " more).")
        Integer maxKeys) {
}
