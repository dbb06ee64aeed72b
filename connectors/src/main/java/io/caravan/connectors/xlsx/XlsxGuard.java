package io.caravan.connectors.xlsx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.apache.poi.openxml4j.util.ZipSecureFile;

/**
 * What is checked of a workbook before any of it is parsed: that it is a zip archive, that no
 * part is a zip bomb by its declared sizes (POI's {@link ZipSecureFile} limits: at most
 * {@code maxFileCount} parts, none over {@code maxEntrySize}, none past the grace size that
 * expands more than {@code 1 / minInflateRatio} times — 100 by default), and that no part
 * that reads as XML declares a DOCTYPE. A workbook never needs a DTD; one that declares it is how an XXE attack
 * (external entities reading local files or URLs) or an entity-expansion bomb comes in.
 *
 * <p>This is the first of two lines. The sizes a zip declares can lie, and a DOCTYPE can hide
 * behind a long prolog: POI then counts the bytes it really inflates and refuses the same
 * ratios, and its XML parsers refuse DOCTYPEs or ignore DTDs and external entities. This check
 * is there so that the common case fails before any parsing, with a message that says why.
 */
final class XlsxGuard {

    /** How far into a part's prolog a DOCTYPE is looked for; a longer prolog is refused. */
    private static final int PROLOG_LIMIT = 64 * 1024;

    private XlsxGuard() {
    }

    /**
     * What the check learned of a workbook that passed it.
     *
     * @param sharedStrings whether it has a shared strings table with strings in it (SXSSF writes
     *     an empty one and keeps its strings inline)
     * @param sharedStringsBytes how large that table is, uncompressed
     */
    record Inspection(boolean sharedStrings, long sharedStringsBytes) {
    }

    private static final Pattern STRING_ITEM = Pattern.compile(
            "<([A-Za-z_][-.\\w]*:)?si[\\s/>]");

    /** A workbook refused, with the reason for the step's error. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Checks the workbook in a local file.
     *
     * @throws Refused when it is no zip archive, a zip bomb by its declared sizes, or an XML part
     *     declares a DOCTYPE
     */
    static Inspection check(Path file) throws Refused, IOException {
        refuseOtherFormats(file);
        boolean sharedStrings = false;
        long sharedStringsBytes = 0;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.size() > ZipSecureFile.getMaxFileCount()) {
                throw new Refused("the workbook has " + zip.size() + " parts, more than the " + ZipSecureFile
                        .getMaxFileCount() + " allowed: refused as a possible zip bomb");
            }
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                sizes(entry);
                String name = entry.getName().toLowerCase(Locale.ROOT);
                if (name.endsWith("sharedstrings.xml")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        sharedStrings |= hasItems(in);
                    }
                    sharedStringsBytes = Math.max(sharedStringsBytes, entry.getSize());
                }
                if (!entry.isDirectory()) { // every part: its content type, not its name, makes it XML
                    try (InputStream in = zip.getInputStream(entry)) {
                        String problem = prologProblem(in);
                        if (problem != null) {
                            throw new Refused("part " + entry.getName() + " " + problem);
                        }
                    }
                }
            }
        } catch (ZipException e) {
            throw new Refused("it is not a readable xlsx workbook (a damaged zip archive: " + e.getMessage() + ")");
        }
        return new Inspection(sharedStrings, sharedStringsBytes);
    }

    private static void refuseOtherFormats(Path file) throws Refused, IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(8);
        }
        if (head.length >= 8 && (head[0] & 0xFF) == 0xD0 && (head[1] & 0xFF) == 0xCF && (head[2] & 0xFF) == 0x11
                && (head[3] & 0xFF) == 0xE0) {
            throw new Refused("it is an OLE2 document, not an xlsx workbook: an .xls file of Excel 97-2003 or a"
                    + " password-protected workbook, neither of which is read (save it as .xlsx without a password)");
        }
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            throw new Refused("it is not an xlsx workbook (an xlsx file is a zip archive; this one starts otherwise)");
        }
    }

    /** Refuses a part by the sizes the archive declares for it (-1 where unknown: POI counts those). */
    private static void sizes(ZipEntry entry) throws Refused {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (size > ZipSecureFile.getMaxEntrySize()) {
            throw new Refused("part " + entry.getName() + " expands to " + size + " bytes, more than the "
                    + ZipSecureFile.getMaxEntrySize() + " allowed: refused as a zip bomb");
        }
        if (size > ZipSecureFile.getGraceEntrySize() && compressed >= 0
                && (double) compressed / size < ZipSecureFile.getMinInflateRatio()) {
            throw new Refused(String.format(Locale.ROOT, "part %s expands %d times (%d bytes to %d), more than the"
                    + " %.0f times allowed: refused as a zip bomb", entry.getName(), size / Math.max(compressed, 1),
                    compressed, size, 1 / ZipSecureFile.getMinInflateRatio()));
        }
    }

    /** Whether a shared strings table's first 64 KiB hold a string item. */
    private static boolean hasItems(InputStream in) throws IOException {
        byte[] head = in.readNBytes(64 * 1024);
        StringBuilder text = new StringBuilder(head.length);
        for (byte b : head) {
            if (b != 0) {
                text.append((char) (b & 0xFF));
            }
        }
        return STRING_ITEM.matcher(text).find();
    }

    /**
     * Why an XML part's prolog is refused, or null: it declares a DOCTYPE, or is longer than
     * {@link #PROLOG_LIMIT}. NUL bytes are skipped, so UTF-16 markup reads as ASCII.
     */
    static String prologProblem(InputStream in) throws IOException {
        Prolog prolog = new Prolog(in);
        while (true) {
            int c = prolog.next();
            if (c < 0 || c == '<' && prolog.peekName()) {
                return null; // the end, or the root element: no DOCTYPE can follow
            }
            if (c != '<' && !Character.isWhitespace(c) && c < 0x80) {
                return null; // text before the root (byte-order marks aside): not well-formed, the parser says so
            }
            if (c == '<') {
                int d = prolog.next();
                int e = d == '!' ? prolog.next() : -1;
                if (d == '?') {
                    prolog.skipPast("?>");
                } else if (e == '-' && prolog.next() == '-') {
                    prolog.skipPast("-->");
                } else if (e == 'D' && prolog.startsWith("OCTYPE")) {
                    return "declares a DOCTYPE (a DTD, possibly with external entities: XXE), which no workbook"
                            + " needs; refused";
                } else {
                    return null; // not well-formed: the parser says so
                }
            }
            if (prolog.count > PROLOG_LIMIT) {
                return "has a prolog longer than " + PROLOG_LIMIT + " bytes before its root element; refused";
            }
        }
    }

    /** Bytes of a part's beginning, NULs skipped, up to a little past the limit. */
    private static final class Prolog {
        private final InputStream in;
        private int pushed = -1;
        private int count;

        Prolog(InputStream in) {
            this.in = in;
        }

        int next() throws IOException {
            if (pushed >= 0) {
                int c = pushed;
                pushed = -1;
                return c;
            }
            int c;
            do {
                if (count++ > PROLOG_LIMIT + 16) {
                    return -1;
                }
                c = in.read();
            } while (c == 0);
            return c;
        }

        /** Whether a name starts here (a root element's); reads one byte ahead. */
        boolean peekName() throws IOException {
            int c = next();
            pushed = c;
            return c >= 0 && (Character.isLetter(c) || c == '_' || c == ':' || c >= 0x80);
        }

        boolean startsWith(String text) throws IOException {
            for (int i = 0; i < text.length(); i++) {
                if (next() != text.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        void skipPast(String end) throws IOException {
            StringBuilder last = new StringBuilder(end.length() + 1);
            while (last.length() < end.length() || !last.toString().equals(end)) {
                int c = next();
                if (c < 0) {
                    return;
                }
                last.append((char) c);
                if (last.length() > end.length()) {
                    last.deleteCharAt(0);
                }
            }
        }
    }
}
