package io.caravan.connectors.files;

import io.caravan.job.step.StepException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * The names steps give files. A name comes from the job document, often through an expression
 * ({@code orders-{{ params.date }}.xlsx}), so whatever a caller can put in a parameter reaches it:
 * a name that could leave the execution's folder, or that a file system or a partner's server
 * would read otherwise than it looks, is refused with the reason, never quietly rewritten.
 */
public final class FileNames {

    private static final int MAX_BYTES = 255;
    private static final Map<String, String> TYPES = Map.of(
            "csv", "text/csv",
            "tsv", "text/tab-separated-values",
            "txt", "text/plain",
            "json", "application/json",
            "jsonl", "application/x-ndjson",
            "xml", "application/xml",
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pdf", "application/pdf",
            "zip", "application/zip",
            "gz", "application/gzip");

    private FileNames() {
    }

    /**
     * The name itself when it is a plain file name.
     *
     * @throws StepException (type {@code file}) naming {@code field} when it is empty, holds a
     *     path separator or a control or formatting character, is {@code .} or {@code ..} (also
     *     when written with look-alike characters that fold to them), or is too long
     */
    public static String checked(String name, String field) throws StepException {
        String problem = problem(name);
        if (problem != null) {
            throw new StepException("file", field + ": " + problem, false);
        }
        return name;
    }

    private static String problem(String name) {
        if (name == null || name.isBlank()) {
            return "the file name is empty";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "the file name holds a control character at " + i;
            }
            if (Character.getType(name.charAt(i)) == Character.FORMAT) {
                // bidi overrides and zero-width characters: "a", U+202E, "fdp.exe" shows as "aexe.pdf"
                return "the file name holds an invisible formatting character (U+"
                        + String.format("%04X", (int) name.charAt(i)) + ") at " + i;
            }
        }
        // what a system folding compatibility characters would read: two U+FF0E as "..", U+FF0F as "/"
        String folded = Normalizer.normalize(name, Normalizer.Form.NFKC);
        if (folded.equals(".") || folded.equals("..")) {
            return "'" + name + "' is not a file name";
        }
        if (folded.indexOf('/') >= 0 || folded.indexOf('\\') >= 0) {
            return "'" + name + "' is a path; a file name holds no '/' or '\\' (files of an execution sit side by side)";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "the file name is longer than " + MAX_BYTES + " bytes";
        }
        return null;
    }

    /** The media type a file name's extension stands for; {@code application/octet-stream} when unknown. */
    public static String mediaType(String name) {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type == null ? "application/octet-stream" : type;
    }
}
