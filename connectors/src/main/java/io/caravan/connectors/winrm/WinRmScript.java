package io.caravan.connectors.winrm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.step.StepException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The command line {@code winrm.exec} sends: the job's fixed script, with the values that come
 * from expressions reaching it only as data.
 *
 * <p>PowerShell: the script runs as {@code powershell -NoProfile -NonInteractive -EncodedCommand
 * <base64 of UTF-16LE text>}, the way WinRM tools pass a script whole, and the text begins with
 * one {@code $env:NAME = '...'} line per variable. Inside a single-quoted PowerShell string no
 * character has a meaning but the single quote, written twice; PowerShell also takes the
 * typographic quotes U+2018 to U+201B for it, so those are doubled too. {@code ;}, {@code $(...)},
 * backticks, {@code "} and newlines arrive verbatim.
 *
 * <p>cmd: the command line is {@code set "NAME=value" & ... & script}. Between the quotes cmd
 * gives {@code & | < > ( ) ^} no meaning, but it still expands {@code %VAR%} (and {@code !VAR!}
 * under delayed expansion), a {@code "} would end the quoted part and a line break ends the
 * command: values holding {@code " % !}, CR or LF are refused rather than escaped, since cmd has
 * no escape that works for all of them inside quotes.
 */
final class WinRmScript {

    /** The names both shells accept for a variable set this way. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The characters a cmd value cannot hold (see the class comment). */
    static final String CMD_REFUSED = "\"%!\r\n";

    private static final ObjectMapper JSON = new ObjectMapper();

    private WinRmScript() {
    }

    /**
     * The command line for {@code script} run by {@code shell} with {@code env} set first; the host
     * runs it through {@code cmd.exe /c}.
     *
     * @throws StepException (type {@code winrm.value}) for a name that is no variable name or a
     *     value that shell cannot receive as data
     */
    static String of(WinRmExecConfig.Shell shell, String script, Map<String, Object> env) throws StepException {
        return shell == WinRmExecConfig.Shell.cmd ? cmd(script, env) : powershell(powershellEnv(env) + script);
    }

    /** PowerShell running {@code text}, passed encoded so that no character of it is a cmd.exe character. */
    static String powershell(String text) {
        // progress records would otherwise reach stderr as CLIXML, which is no error
        String whole = "$ProgressPreference = 'SilentlyContinue'\r\n" + text;
        String encoded = Base64.getEncoder().encodeToString(whole.getBytes(StandardCharsets.UTF_16LE));
        return "powershell -NoProfile -NonInteractive -EncodedCommand " + encoded;
    }

    /** {@code value} as a single-quoted PowerShell string literal. */
    static String quote(String value) {
        return "'" + value.replaceAll("(['\u2018\u2019\u201A\u201B])", "$1$1") + "'";
    }

    private static String powershellEnv(Map<String, Object> env) throws StepException {
        StringBuilder lines = new StringBuilder();
        if (env != null) {
            for (Map.Entry<String, Object> e : env.entrySet()) {
                lines.append("$env:").append(name(e.getKey())).append(" = ")
                        .append(quote(text(e.getValue(), "env." + e.getKey()))).append("\r\n");
            }
        }
        return lines.toString();
    }

    private static String cmd(String script, Map<String, Object> env) throws StepException {
        StringBuilder line = new StringBuilder();
        if (env != null) {
            for (Map.Entry<String, Object> e : env.entrySet()) {
                String value = text(e.getValue(), "env." + e.getKey());
                for (char c : CMD_REFUSED.toCharArray()) {
                    if (value.indexOf(c) >= 0) {
                        throw new StepException("winrm.value", "env." + e.getKey() + ": holds " + shown(c)
                                + ", which cmd cannot receive as data; use shell powershell for such values", false);
                    }
                }
                line.append("set \"").append(name(e.getKey())).append('=').append(value).append("\" & ");
            }
        }
        return line.append(script).toString();
    }

    private static String shown(char c) {
        return c == '\r' ? "a carriage return" : c == '\n' ? "a line break" : "'" + c + "'";
    }

    private static String name(String name) throws StepException {
        if (!NAME.matcher(name).matches()) {
            throw new StepException("winrm.value", "env: '" + name + "' is not a variable name (letters, digits and _,"
                    + " not starting with a digit)", false);
        }
        return name;
    }

    /** A value as the text the script receives: numbers plainly, objects and lists as JSON, null as empty. */
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
                throw new StepException("winrm.value", field + ": cannot be written as JSON: " + e.getOriginalMessage(),
                        false);
            }
        } else {
            text = value.toString();
        }
        if (text.indexOf('\0') >= 0) {
            throw new StepException("winrm.value", field + ": holds the NUL character, which a command cannot pass",
                    false);
        }
        return text;
    }
}
