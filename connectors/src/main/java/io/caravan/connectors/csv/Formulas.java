package io.caravan.connectors.csv;

/**
 * Text a spreadsheet program would run as a formula when it opens the file (CSV injection,
 * OWASP): a cell starting with {@code = + - @}, a tab or a carriage return — except a plain
 * signed number such as {@code -10}, which every spreadsheet reads as the number it is (a
 * negative quantity read from a CSV file is text, and must not come back as {@code '-10}).
 */
public final class Formulas {

    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private Formulas() {
    }

    /** Whether a spreadsheet would take this text for a formula. */
    public static boolean looksLikeOne(String text) {
        if (text.isEmpty()) {
            return false;
        }
        char first = text.charAt(0);
        if (first == '=' || first == '@' || first == '\t' || first == '\r') {
            return true;
        }
        return (first == '+' || first == '-') && !NUMBER.matcher(text).matches();
    }
}
