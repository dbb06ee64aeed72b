package io.caravan.job.expression;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Writer;

/**
 * Text an expression builds (by {@code +}, functions, rendering) is at most
 * {@link Template#MAX_TEXT_LENGTH} characters; builders check as they grow, so text that is
 * refused is never held whole.
 */
final class TextLimit {

    private TextLimit() {
    }

    /** Refuses a length beyond the limit. */
    static void check(long length) {
        if (length > Template.MAX_TEXT_LENGTH) {
            throw new TooLong();
        }
    }

    /** A value as JSON text, refused as soon as the text passes the limit. */
    static String json(ObjectMapper json, Object value) {
        Bounded out = new Bounded();
        try {
            json.writeValue(out, value);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TooLong tooLong) {
                    throw tooLong;
                }
            }
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getMessage(), e);
        }
        return out.text.toString();
    }

    /** A writer into memory that refuses to grow beyond the limit. */
    static final class Bounded extends Writer {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void write(char[] chars, int offset, int length) {
            check((long) text.length() + length);
            text.append(chars, offset, length);
        }

        @Override
        public void write(String string, int offset, int length) {
            check((long) text.length() + length);
            text.append(string, offset, offset + length);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** The text would pass the limit; unchecked so it passes through JEXL and Jackson. */
    static final class TooLong extends RuntimeException {
        TooLong() {
            super("the text would be longer than " + Template.MAX_TEXT_LENGTH + " characters (1 MiB),"
                    + " the most an expression may build", null, false, false);
        }
    }
}
