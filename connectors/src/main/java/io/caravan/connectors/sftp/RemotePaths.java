package io.caravan.connectors.sftp;

import io.caravan.job.expression.Template;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths on an SFTP server as steps take them from the job document, often through an expression
 * ({@code /outbox/{{ params.partner }}/}): whatever a caller can put in a parameter reaches them, so
 * a path that climbs out of where it seems to point ({@code ..} as a segment, with {@code /} or
 * {@code \} around it) or that holds a NUL or another control character is refused with the field
 * it came from — never quietly rewritten. Empty and {@code .} segments are dropped; a path stays
 * relative (to the login directory) or absolute as written.
 */
final class RemotePaths {

    private RemotePaths() {
    }

    /**
     * The path, tidied: {@code //} and {@code /./} collapse, a trailing {@code /} goes.
     *
     * @throws StepException (type {@code sftp.path}) naming {@code field} when it is empty, holds a
     *     control character or a {@code ..} segment
     */
    static String checked(String path, String field) throws StepException {
        String problem = problem(path);
        if (problem != null) {
            throw new StepException("sftp.path", field + ": " + problem, false);
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("[/\\\\]")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        boolean absolute = path.startsWith("/");
        String joined = String.join("/", segments);
        if (joined.isEmpty()) {
            return absolute ? "/" : ".";
        }
        return absolute ? "/" + joined : joined;
    }

    /**
     * Reports a path written in the job document that {@link #checked} would refuse; one that is an
     * expression is checked when the step runs, as rendered.
     *
     * @param field the field's path relative to the step, e.g. {@code .from}
     */
    static void check(String written, String field, Problems problems) {
        if (written != null && !Template.hasPlaceholder(written)) {
            String problem = problem(written);
            if (problem != null) {
                problems.add(field, problem);
            }
        }
    }

    /** What is wrong with a path, or null. */
    private static String problem(String path) {
        if (path == null || path.isBlank()) {
            return "the remote path is empty";
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                return (path.charAt(i) == 0 ? "a NUL character" : "a control character") + " at " + i
                        + " in the remote path";
            }
        }
        for (String segment : path.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return "'..' is not allowed in a remote path ('" + path + "'): give the directory itself";
            }
        }
        return null;
    }

    /** Whether the path as written names a directory: it ends with {@code /}. */
    static boolean namesDirectory(String written) {
        return written.endsWith("/") || written.endsWith("\\");
    }

    /** {@code child} under {@code directory}. */
    static String join(String directory, String child) {
        if (directory.equals(".")) {
            return child;
        }
        return directory.endsWith("/") ? directory + child : directory + "/" + child;
    }

    /** The last segment of a tidy path. */
    static String name(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
