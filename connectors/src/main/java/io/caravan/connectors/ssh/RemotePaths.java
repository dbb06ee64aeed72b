package io.caravan.connectors.ssh;

import io.caravan.job.expression.Template;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;

/**
 * Remote paths the ssh steps are given ({@code to}, {@code from}, {@code workingDirectory}),
 * often built from parameters: a path with a {@code ..} segment, which could climb out of the
 * folder the job meant, or with a control character, which a file name never needs and a log or
 * a shell would read otherwise, is refused with the reason, never rewritten.
 */
final class RemotePaths {

    private RemotePaths() {
    }

    /**
     * The path itself when acceptable.
     *
     * @throws StepException (type {@code ssh.path}) naming {@code field}
     */
    static String checked(String path, String field) throws StepException {
        String problem = problem(path);
        if (problem != null) {
            throw new StepException("ssh.path", field + ": " + problem, false);
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
            return "the path is empty";
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                return "the path holds a control character at " + i;
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return "'" + path + "' has a '..' segment; give the path without climbing up";
            }
        }
        return null;
    }
}
