package io.caravan.runtime.cli;

/** Small text helpers for what the commands print. */
final class Texts {

    private Texts() {
    }

    /** The first line of a message (parsers add the offending source below it). */
    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
