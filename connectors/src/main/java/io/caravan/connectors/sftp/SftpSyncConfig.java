package io.caravan.connectors.sftp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code sftp.sync} step: one remote directory and one S3 prefix, mirrored one way. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SftpSyncConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of an sftp connection, or an ssh one (its host's SFTP).")
        String connection,
        @JsonProperty(required = true)
        @JsonPropertyDescription("Which way to copy: download (remote directory -> S3 prefix) or upload (S3 prefix"
                + " -> remote directory).")
        Direction direction,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The remote directory, e.g. '/outbox/'; it must exist; '..' is refused.")
        String remote,
        @JsonPropertyDescription("The bucket; required unless s3Connection names a connection that has one."
                + " Caravan's own bucket is refused.")
        String bucket,
        @JsonPropertyDescription("The key prefix that stands for the remote directory, e.g. 'partner/inbox';"
                + " a '/' is added when missing. Default '' (the whole bucket). No leading '/', no '..'.")
        String prefix,
        @JsonPropertyDescription("Name of an s3 connection (another endpoint and credentials); default Caravan's"
                + " own S3 endpoint.")
        String s3Connection,
        @JsonPropertyDescription("Glob of the files to mirror: * and ? within a name, ** across directories, e.g."
                + " '*.csv'; matched against names, or against paths under remote / prefix when it holds a '/'."
                + " Default every file.")
        String include,
        @JsonPropertyDescription("Whether files in sub-directories (keys below further '/') are mirrored too;"
                + " default false.")
        Boolean recursive,
        @JsonPropertyDescription("Whether files of the target that the source no longer has (among those include"
                + " selects) are deleted; default false.")
        Boolean delete) {

    /** Which way a sync copies; the names are the values a job writes. */
    public enum Direction { download, upload }
}
