package io.caravan.connectors.ssh;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of an {@code ssh.copy} step: {@code file} and {@code to} send a file, {@code from} fetches one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SshCopyConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of an ssh connection.") String connection,
        @JsonPropertyDescription("To send: a file of the execution (a step's output.file, an entry of files, or a"
                + " file name).")
        Object file,
        @JsonPropertyDescription("With file: the remote path to write, replaced when it exists; a path ending in '/',"
                + " or naming a directory, receives the file under its own name. No '..' segments.")
        String to,
        @JsonPropertyDescription("To fetch: the remote path of one file. No '..' segments.") String from,
        @JsonPropertyDescription("With from: the name of the fetched file among the execution's files; default the"
                + " remote file's name.")
        String saveAs) {
}
