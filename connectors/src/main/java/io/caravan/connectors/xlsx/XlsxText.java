package io.caravan.connectors.xlsx;

import org.apache.poi.xssf.usermodel.XSSFRichTextString;

/**
 * Text in a cell as OOXML stores it (ECMA-376 ST_Xstring): a character XML cannot hold (a
 * control character, U+FFFE, U+FFFF, a lone surrogate) is written {@code _xHHHH_}, and text that
 * already reads like such an escape gets its {@code _} escaped as {@code _x005F_}, so Excel and
 * this reader show exactly the text that was written. POI would write a '?' for the former and
 * leave the latter for Excel to decode into another character.
 */
final class XlsxText {

    private XlsxText() {
    }

    /** The text to hand POI for a cell. */
    static String encode(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = null;
            if (c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == '\uFFFE' || c == '\uFFFF' || lone(text, i)) {
                escape = String.format("_x%04X_", (int) c);
            } else if (c == '_' && escapeAt(text, i)) {
                escape = "_x005F_";
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (escape != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** Decodes the escapes of text read as it stands in the file (POI's own decoding). */
    static String decode(String text) {
        return text.indexOf("_x") < 0 ? text : new XSSFRichTextString(text).getString();
    }

    private static boolean lone(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        return Character.isLowSurrogate(c); // a low one reached here had no high one before it
    }

    /** Whether {@code _xHHHH_} starts at {@code i}. */
    private static boolean escapeAt(String text, int i) {
        if (i + 7 > text.length() || text.charAt(i + 1) != 'x' || text.charAt(i + 6) != '_') {
            return false;
        }
        for (int k = i + 2; k < i + 6; k++) {
            char h = text.charAt(k);
            if (!(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F')) {
                return false;
            }
        }
        return true;
    }
}
