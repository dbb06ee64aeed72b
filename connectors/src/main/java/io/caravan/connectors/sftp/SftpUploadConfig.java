package io.caravan.connectors.sftp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code sftp.upload} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SftpUploadConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of an sftp connection, or an ssh one (its host's SFTP).")
        String connection,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The file or files to upload: a step's output.file or output.files, trigger.file, an"
                + " entry of files, or the name of a file of this execution; or a list of these.")
        Object file,
        @JsonProperty(required = true)
        @JsonPropertyDescription("Remote directory to upload into, e.g. '/outbox/'; '..' is refused.") String to,
        @JsonPropertyDescription("Remote name of the file, when one file is uploaded; default the file's own name.")
        String filename,
        @JsonPropertyDescription("Whether a missing 'to' directory (and its parents) is created; default true.")
        Boolean createDirectories,
        @JsonPropertyDescription("Whether a remote file of the same name is replaced; default true. When false the"
                + " step fails rather than replace it.")
        Boolean overwrite,
        @JsonPropertyDescription("Whether a file that carries a modified_at (as sftp.download's files do) keeps that"
                + " time on the server, where the server allows it; default true.")
        Boolean preserveTimestamps) {
}
