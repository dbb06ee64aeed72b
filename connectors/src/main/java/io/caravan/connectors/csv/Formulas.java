package io.caravan.connectors.csv;

/**
 * Text a spreadsheet program would run as a formula when it opens the file (CSV injection,
 * OWASP): a cell starting with {@code = + - @}, a tab or a carriage return.
 */
public final class Formulas {

    private Formulas() {
    }

    /** Whether a spreadsheet would take this text for a formula. */
    public static boolean looksLikeOne(String text) {
        if (text.isEmpty()) {
            return false;
        }
        char first = text.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
    }
}
