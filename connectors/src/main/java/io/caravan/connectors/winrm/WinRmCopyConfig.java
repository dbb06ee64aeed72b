package io.caravan.connectors.winrm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Config of a {@code winrm.copy} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WinRmCopyConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of a winrm connection.") String connection,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The file of the execution to send (a step's output.file, an entry of files, or a"
                + " file name).")
        Object file,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The remote Windows path to write, such as C:\\\\in\\\\data.csv, replaced when it"
                + " exists; a path ending in \\\\ receives the file under its own name. The folder must exist."
                + " No '..' segments.")
        String to) {
}
