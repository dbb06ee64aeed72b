package io.caravan.connectors.winrm;

import io.caravan.job.expression.Template;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import java.util.regex.Pattern;

/**
 * Remote Windows paths the winrm steps are given ({@code to}, {@code workingDirectory}), often
 * built from parameters. A path must be absolute ({@code C:\dir\file} or
 * {@code \\server\share\file}); one with a {@code ..} segment, which could climb out of the folder
 * the job meant, a control character, or a character Windows refuses in names
 * ({@code < > " | ? *}) is refused with the reason, never rewritten. Paths reach PowerShell as
 * quoted literals and WS-Management as XML text, so what passes here is still data.
 */
final class WindowsPaths {

    private static final Pattern ABSOLUTE = Pattern.compile("([A-Za-z]:[\\\\/]|\\\\\\\\[^\\\\/]+[\\\\/][^\\\\/]+).*");

    private WindowsPaths() {
    }

    /**
     * The path itself when acceptable.
     *
     * @throws StepException (type {@code winrm.path}) naming {@code field}
     */
    static String checked(String path, String field) throws StepException {
        String problem = problem(path);
        if (problem != null) {
            throw new StepException("winrm.path", field + ": " + problem, false);
        }
        return path;
    }

    /** Reports a written path's problem; one holding an expression is checked when the step runs. */
    static void check(String path, String field, Problems problems) {
        if (path != null && !Template.hasPlaceholder(path)) {
            String problem = problem(path);
            if (problem != null) {
                problems.add(field, problem);
            }
        }
    }

    private static String problem(String path) {
        if (path == null || path.isBlank()) {
            return "is empty";
        }
        for (char c : path.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                return "'" + path.replaceAll("\\p{Cntrl}", "?") + "' holds a control character";
            }
            if ("<>\"|?*".indexOf(c) >= 0) {
                return "'" + path + "' holds '" + c + "', which Windows refuses in a path";
            }
        }
        if (!ABSOLUTE.matcher(path).matches()) {
            return "'" + path + "' is not an absolute Windows path (C:\\dir or \\\\server\\share\\dir)";
        }
        for (String segment : path.split("[\\\\/]")) {
            if (segment.equals("..")) {
                return "'" + path + "' has a '..' segment";
            }
        }
        return null;
    }
}
