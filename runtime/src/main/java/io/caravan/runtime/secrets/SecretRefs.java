package io.caravan.runtime.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.model.JobDefinition;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secrets a job refers to: every {@code secrets.<name>} inside its {@code {{ }}}. An
 * execution is given those and no others, read once when it is claimed.
 */
public final class SecretRefs {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile(
            "\\bsecrets\\s*(?:\\.\\s*([A-Za-z][A-Za-z0-9_]*)|\\[\\s*['\"]([A-Za-z][A-Za-z0-9_]*)['\"]\\s*])");

    private static final Pattern WHOLE_REFERENCE = Pattern.compile("\\{\\{\\s*secrets\\.[A-Za-z][A-Za-z0-9_]*\\s*}}");

    private SecretRefs() {
    }

    /** Whether a text is exactly a stored secret's reference, {@code {{ secrets.name }}}: a name, not a value. */
    public static boolean isReference(String text) {
        return WHOLE_REFERENCE.matcher(text).matches();
    }

    /** The names of the secrets a job's expressions read. */
    public static Set<String> of(JobDefinition job, ObjectMapper json) {
        try {
            return in(json.writeValueAsString(job));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The names of the secrets read inside the {@code {{ }}} of a text. */
    public static Set<String> in(String text) {
        Set<String> names = new TreeSet<>();
        Matcher placeholder = PLACEHOLDER.matcher(text);
        while (placeholder.find()) {
            Matcher reference = REFERENCE.matcher(placeholder.group(1));
            while (reference.find()) {
                names.add(reference.group(1) != null ? reference.group(1) : reference.group(2));
            }
        }
        return names;
    }
}
