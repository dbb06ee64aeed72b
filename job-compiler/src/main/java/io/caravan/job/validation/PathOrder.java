package io.caravan.job.validation;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Orders JSON paths as a person reads the document: {@code $.steps[2]} before {@code $.steps[10]}. */
final class PathOrder {

    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private PathOrder() {
    }

    /** A key that sorts paths in document order of their array indexes. */
    static String key(String path) {
        Matcher m = INDEX.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, "[" + String.format("%08d", Integer.parseInt(m.group(1))) + "]");
        }
        m.appendTail(out);
        return out.toString();
    }
}
