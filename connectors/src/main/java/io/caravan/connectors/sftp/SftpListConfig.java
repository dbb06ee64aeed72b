package io.caravan.connectors.sftp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code sftp.list} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SftpListConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of an sftp connection, or an ssh one (its host's SFTP).")
        String connection,
        @JsonProperty(required = true)
        @JsonPropertyDescription("Remote directory to list, e.g. '/inbox'; '..' is refused.") String directory,
        @JsonPropertyDescription("Glob of the entries to list: * and ? within a name, ** across directories, e.g."
                + " '*.csv'; matched against names, or against paths under 'directory' when it holds a '/'. Default"
                + " every entry.")
        String include,
        @JsonPropertyDescription("Whether entries of sub-directories are listed too; default false.") Boolean recursive) {
}
