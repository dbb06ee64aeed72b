package io.caravan.job.params;

import io.caravan.job.model.ParamFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Whether a string follows a parameter's {@code format}, as JSON Schema's formats of the same names mean. */
final class ParamFormats {

    // the HTML Living Standard's "valid e-mail address": what browsers' forms accept, no comments or quoting
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]"
            + "(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private ParamFormats() {
    }

    static boolean matches(ParamFormat format, String text) {
        return switch (format) {
            case DATE -> parses(() -> LocalDate.parse(text));
            case DATE_TIME -> parses(() -> OffsetDateTime.parse(text));
            case EMAIL -> text.length() <= 254 && EMAIL.matcher(text).matches();
            case URI -> uri(text);
        };
    }

    static String describe(ParamFormat format) {
        return switch (format) {
            case DATE -> "a date as yyyy-mm-dd";
            case DATE_TIME -> "a date and time with an offset, as 2026-01-31T08:00:00Z";
            case EMAIL -> "an e-mail address";
            case URI -> "an absolute URI, as https://host/path";
        };
    }

    private static boolean uri(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
