package io.caravan.connectors.winrm;

import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.remote.OutputCapture;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code winrm.exec}: runs a PowerShell script (or a cmd.exe command line) on a {@code winrm}
 * connection's Windows host ({@link WinRmSession}). The script is fixed text of the job; values
 * from expressions reach it only as environment variables set from quoted literals
 * ({@link WinRmScript}). Output {@code {exit_code, stdout, stdout_truncated, stderr,
 * stderr_truncated}}: each stream's first 64 KiB as text and, when it wrote more, all of it in a
 * file of the execution ({@code <step>.stdout.txt}, {@code <step>.stderr.txt}) given as
 * {@code stdout_file} / {@code stderr_file}, as {@code ssh.exec} does. An exit code not in
 * {@code expectedExitCodes} fails {@code winrm.exit} (not retryable) with the end of stderr;
 * running out of time fails {@code winrm.timeout} (retryable).
 */
public final class WinRmExecStep implements StepKind<WinRmExecConfig> {

    /** How much of a stream's end an error message quotes. */
    private static final int ERROR_TAIL = 1000;

    @Override
    public String type() {
        return "winrm.exec";
    }

    @Override
    public Class<WinRmExecConfig> configType() {
        return WinRmExecConfig.class;
    }

    @Override
    public String description() {
        return "Runs a PowerShell script or a cmd command on a Windows host over WinRM, values passed as quoted"
                + " environment variables; output {exit_code, stdout, stderr}.";
    }

    @Override
    public void check(WinRmExecConfig config, Problems problems) {
        String script = config.script();
        if (script != null && (Template.hasPlaceholder(script) || script.contains("{{"))) {
            problems.add(".script", "must not contain {{ }}: give the value in env and read it as $env:NAME"
                    + " (PowerShell) or %NAME% (cmd); a value spliced into a script could run as code");
        } else if (script != null && script.isBlank()) {
            problems.add(".script", "is empty");
        } else if (script != null && config.shell() == WinRmExecConfig.Shell.cmd
                && (script.contains("\n") || script.contains("\r"))) {
            problems.add(".script", "a cmd script is one command line: cmd runs only up to the first line break;"
                    + " join commands with & or use shell powershell");
        }
        if (config.env() != null) {
            config.env().keySet().stream().filter(name -> !WinRmScript.NAME.matcher(name).matches()).forEach(name ->
                    problems.add(".env", "'" + name + "' is not a variable name (letters, digits and _, not starting"
                            + " with a digit)"));
        }
        WindowsPaths.check(config.workingDirectory(), ".workingDirectory", problems);
        List<Integer> codes = config.expectedExitCodes();
        for (int i = 0; codes != null && i < codes.size(); i++) {
            if (codes.get(i) == null) {
                problems.add(".expectedExitCodes[" + i + "]", "is null; an exit code is a number");
            }
        }
    }

    @Override
    public Object run(WinRmExecConfig config, StepCall call) throws Exception {
        String directory = config.workingDirectory() == null ? null
                : WindowsPaths.checked(config.workingDirectory(), "workingDirectory");
        WinRmExecConfig.Shell shell = config.shell() == null ? WinRmExecConfig.Shell.powershell : config.shell();
        String command = WinRmScript.of(shell, config.script(), config.env());
        ConnectionSettings settings = ConnectionSettings.of(call, config.connection(), "winrm");
        OutputCapture out = new OutputCapture();
        OutputCapture err = new OutputCapture();
        try {
            int exit;
            try (WinRmSession winrm = WinRmSession.open(settings, WinRmSession.timeout(call), directory);
                    Writer stdout = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    Writer stderr = new OutputStreamWriter(err, StandardCharsets.UTF_8)) {
                exit = winrm.run(command, stdout, stderr);
            }
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("exit_code", exit);
            out.into(output, "stdout", call);
            err.into(output, "stderr", call);
            List<Integer> expected = config.expectedExitCodes() == null ? List.of(0) : config.expectedExitCodes();
            if (!expected.contains(exit)) {
                throw new StepException("winrm.exit", "the script exited with " + exit + " (expected "
                        + (expected.size() == 1 ? expected.get(0) : "one of " + expected) + ")"
                        + OutputCapture.said(output, out, err, ERROR_TAIL), false);
            }
            return output;
        } finally {
            out.discard();
            err.discard();
        }
    }

    /** The end of what the script said, stderr first: why it failed is usually there. */
}
