package io.caravan.connectors.ssh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.step.StepException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The command line {@code ssh.exec} sends: the job's fixed {@code command}, with the values that
 * come from expressions reaching it only as data. The remote account's shell (sh, bash, dash,
 * ksh, zsh: any POSIX shell) receives
 * <pre>export NAME='value'; ... cd -- 'dir' || exit; command 'arg1' 'arg2'</pre>
 * Each value is in single quotes, inside which a POSIX shell gives no character a meaning but
 * {@code '} itself, written {@code '\''} (close, an escaped quote, reopen): {@code ;},
 * {@code $(...)}, backticks, {@code "} and newlines arrive verbatim. The environment is exported
 * in the command line rather than sent as SSH {@code env} requests, which servers refuse unless
 * their {@code AcceptEnv} lists each name.
 */
final class ShellCommand {

    /** The names a POSIX shell accepts for a variable. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShellCommand() {
    }

    /**
     * The full command line.
     *
     * @param env names and values to export (values of any JSON type, null as empty)
     * @param workingDirectory where to run, or null for the account's home
     * @param args values appended to the command, each one word
     * @throws StepException (type {@code ssh.value}) for a name that is no variable name, or a
     *     value holding the NUL character, which no shell can pass
     */
    static String of(String command, Map<String, Object> env, String workingDirectory, List<Object> args)
            throws StepException {
        StringBuilder line = new StringBuilder();
        if (env != null) {
            for (Map.Entry<String, Object> e : env.entrySet()) {
                if (!NAME.matcher(e.getKey()).matches()) {
                    throw new StepException("ssh.value", "env: '" + e.getKey() + "' is not a variable name"
                            + " (letters, digits and _, not starting with a digit)", false);
                }
                line.append("export ").append(e.getKey()).append('=')
                        .append(quote(text(e.getValue(), "env." + e.getKey()))).append("; ");
            }
        }
        if (workingDirectory != null) {
            line.append("cd -- ").append(quote(text(workingDirectory, "workingDirectory"))).append(" || exit; ");
        }
        line.append(command);
        if (args != null) {
            for (int i = 0; i < args.size(); i++) {
                line.append(' ').append(quote(text(args.get(i), "args[" + i + "]")));
            }
        }
        return line.toString();
    }

    /** {@code value} as one single-quoted word of a POSIX shell. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** A value as the text a shell receives: numbers plainly, objects and lists as JSON, null as empty. */
    private static String text(Object value, String field) throws StepException {
        String text;
        if (value == null) {
            text = "";
        } else if (value instanceof BigDecimal decimal) {
            text = decimal.toPlainString();
        } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                text = JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new StepException("ssh.value", field + ": cannot be written as JSON: " + e.getOriginalMessage(),
                        false);
            }
        } else {
            text = value.toString();
        }
        if (text.indexOf('\0') >= 0) {
            throw new StepException("ssh.value", field + ": holds the NUL character, which a shell cannot pass", false);
        }
        return text;
    }
}
