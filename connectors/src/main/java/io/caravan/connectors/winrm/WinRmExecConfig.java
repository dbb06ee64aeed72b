package io.caravan.connectors.winrm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Config of a {@code winrm.exec} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WinRmExecConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of a winrm connection.") String connection,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The script: PowerShell, or one cmd.exe command line with shell \"cmd\"; fixed text"
                + " without {{ }}: values reach it through env ($env:NAME in PowerShell, %NAME% in cmd), never"
                + " spliced into it.")
        String script,
        @JsonPropertyDescription("What runs the script: powershell (the default) or cmd.")
        Shell shell,
        @JsonPropertyDescription("Environment variables of the script, name to value; values may use expressions."
                + " Each is set as a quoted literal before the script, so it arrives as data, never as code.")
        Map<String, Object> env,
        @JsonPropertyDescription("Directory to run the script in, such as C:\\\\jobs; default the account's home"
                + " directory.")
        String workingDirectory,
        @JsonPropertyDescription("Exit codes that count as success; default [0]. Any other fails the step"
                + " (winrm.exit).")
        List<Integer> expectedExitCodes) {

    /** The programs a script can be written for; the names are the values a job writes. */
    public enum Shell { powershell, cmd }
}
