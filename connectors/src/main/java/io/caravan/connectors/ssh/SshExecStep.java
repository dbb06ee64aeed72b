package io.caravan.connectors.ssh;

import io.caravan.connectors.connections.ConnectionSettings;
import io.caravan.connectors.remote.OutputCapture;
import io.caravan.job.expression.Template;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ssh.exec}: runs a command on an {@code ssh} connection's host ({@link SshSession}). The
 * command is fixed text of the job; values from expressions reach it only as exported,
 * single-quoted environment variables or arguments ({@link ShellCommand}). Output
 * {@code {exit_code, stdout, stdout_truncated, stderr, stderr_truncated}}: each stream's first
 * 64 KiB as text and, when it wrote more, all of it in a file of the execution
 * ({@code <step>.stdout.txt}, {@code <step>.stderr.txt}) given as {@code stdout_file} /
 * {@code stderr_file}. An exit code not in {@code expectedExitCodes} fails {@code ssh.exit} (not
 * retryable) with the end of stderr; running out of time fails {@code ssh.timeout} (retryable).
 */
public final class SshExecStep implements StepKind<SshExecConfig> {

    /** How much of a stream's end an error message quotes. */
    private static final int ERROR_TAIL = 1000;

    @Override
    public String type() {
        return "ssh.exec";
    }

    @Override
    public Class<SshExecConfig> configType() {
        return SshExecConfig.class;
    }

    @Override
    public String description() {
        return "Runs a command on a host over SSH, values passed as quoted environment variables or arguments;"
                + " output {exit_code, stdout, stderr}.";
    }

    @Override
    public void check(SshExecConfig config, Problems problems) {
        String command = config.command();
        if (command != null && (Template.hasPlaceholder(command) || command.contains("{{"))) {
            problems.add(".command", "must not contain {{ }}: give the value in env and read it as \"$NAME\", or"
                    + " in args; a value spliced into a command could run as code");
        } else if (command != null && command.isBlank()) {
            problems.add(".command", "is empty");
        }
        if (config.env() != null) {
            config.env().keySet().stream().filter(name -> !ShellCommand.NAME.matcher(name).matches()).forEach(name ->
                    problems.add(".env", "'" + name + "' is not a variable name (letters, digits and _, not starting"
                            + " with a digit)"));
        }
        RemotePaths.check(config.workingDirectory(), ".workingDirectory", problems);
        List<Integer> codes = config.expectedExitCodes();
        for (int i = 0; codes != null && i < codes.size(); i++) {
            if (codes.get(i) == null || codes.get(i) < 0 || codes.get(i) > 255) {
                problems.add(".expectedExitCodes[" + i + "]", "an exit code is from 0 to 255, got " + codes.get(i));
            }
        }
    }

    @Override
    public Object run(SshExecConfig config, StepCall call) throws Exception {
        String directory = config.workingDirectory() == null ? null
                : RemotePaths.checked(config.workingDirectory(), "workingDirectory");
        String line = ShellCommand.of(config.command(), config.env(), directory, config.args());
        ConnectionSettings settings = ConnectionSettings.of(call, config.connection(), "ssh");
        OutputCapture out = new OutputCapture();
        OutputCapture err = new OutputCapture();
        try {
            SshSession.Exit exit;
            try (SshSession ssh = SshSession.open(settings, SshSession.timeout(call))) {
                exit = ssh.exec(line, out, err);
            }
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("exit_code", exit.status());
            out.into(output, "stdout", call);
            err.into(output, "stderr", call);
            List<Integer> expected = config.expectedExitCodes() == null ? List.of(0) : config.expectedExitCodes();
            if (exit.status() == null || !expected.contains(exit.status())) {
                throw new StepException("ssh.exit", ending(exit, expected) + OutputCapture.said(output, out, err, ERROR_TAIL), false);
            }
            return output;
        } finally {
            out.discard();
            err.discard();
        }
    }

    private static String ending(SshSession.Exit exit, List<Integer> expected) {
        if (exit.signal() != null) {
            return "the command was killed by signal " + exit.signal();
        }
        if (exit.status() == null) {
            return "the command ended without an exit status";
        }
        return "the command exited with " + exit.status() + " (expected " + (expected.size() == 1 ? expected.get(0)
                : "one of " + expected) + ")";
    }

    /** The end of what the command said, stderr first: why it failed is usually there. */
}
