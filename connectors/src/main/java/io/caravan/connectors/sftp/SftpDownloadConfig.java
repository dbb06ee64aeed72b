package io.caravan.connectors.sftp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code sftp.download} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SftpDownloadConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of an sftp connection, or an ssh one (its host's SFTP).")
        String connection,
        @JsonProperty(required = true)
        @JsonPropertyDescription("Remote file or directory to download, e.g. '/var/log/maint/'; '..' is refused.")
        String from,
        @JsonPropertyDescription("Glob of the files to take from a directory: * and ? within a name, ** across"
                + " directories, e.g. '*.log'; matched against names, or against paths under 'from' when it holds a"
                + " '/'. Default every file.")
        String include,
        @JsonPropertyDescription("Whether files in sub-directories are taken too; default false. A file's name among"
                + " the execution's files is its path under 'from' with '/' written as '_' (a/b.log -> a_b.log).")
        Boolean recursive) {
}
