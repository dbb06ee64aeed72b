package io.caravan.connectors.ssh;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Config of an {@code ssh.exec} step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SshExecConfig(
        @JsonProperty(required = true) @JsonPropertyDescription("Name of an ssh connection.") String connection,
        @JsonProperty(required = true)
        @JsonPropertyDescription("The command, run by the remote account's POSIX shell; fixed text without {{ }}:"
                + " values reach it through env (read as \"$NAME\") or args, never spliced into it.")
        String command,
        @JsonPropertyDescription("Environment variables of the command, name to value; values may use expressions."
                + " Each is exported single-quoted before the command, so it arrives as data, never as shell code.")
        Map<String, Object> env,
        @JsonPropertyDescription("Values appended to the command, each as one single-quoted word; may use"
                + " expressions.")
        List<Object> args,
        @JsonPropertyDescription("Directory to run the command in; default the account's home directory.")
        String workingDirectory,
        @JsonPropertyDescription("Exit codes that count as success; default [0]. Any other fails the step"
                + " (ssh.exit).")
        List<Integer> expectedExitCodes) {
}
