package io.caravan.connectors.sftp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code sftp.delete} step: a {@code path}, or a {@code directory} and {@code include}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SftpDeleteConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of an sftp connection, or an ssh one (its host's SFTP).")
        String connection,
        @JsonPropertyDescription("One remote file to delete; or give directory and include instead.") String path,
        @JsonPropertyDescription("Remote directory whose files that include selects are deleted.") String directory,
        @JsonPropertyDescription("Glob of the files to delete in directory: * and ? within a name, ** across"
                + " directories, e.g. '*.tmp'. Required with directory, unless all is true.")
        String include,
        @JsonPropertyDescription("Whether files in sub-directories of directory are deleted too; default false.")
        Boolean recursive,
        @JsonPropertyDescription("Set true to delete every file of directory when include is not given; default"
                + " false, so a missing include never empties a directory by accident.")
        Boolean all,
        @JsonPropertyDescription("Whether a path or directory that does not exist fails the step; default false"
                + " (nothing to delete: count 0).")
        Boolean errorOnMissing) {
}
