package io.caravan.connectors.xlsx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Sheet;

/**
 * Workbooks zipped by hand, part by part, for the tests of hostile files: a DOCTYPE in any part,
 * a zip bomb, a part whose declared size lies. POI would never write them.
 */
final class HandmadeWorkbooks {

    private HandmadeWorkbooks() {
    }

    static final String XML = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
    static final String MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    static final String CONTENT_TYPES = "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
            + "content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
            + "relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName="
            + "\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet."
            + "main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd."
            + "openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";
    static final String RELS = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
            + "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
            + "2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
    static final String WORKBOOK = "<workbook xmlns=\"" + MAIN + "\" xmlns:r=\"http://schemas.openxmlformats"
            + ".org/officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
            + "</sheets></workbook>";
    static final String WORKBOOK_RELS = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
            + "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
            + "2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

    /** A one-column sheet: header 'name', one row holding {@code value} (raw XML) as inline text. */
    static String sheet(String doctype, String value) {
        return XML + doctype + "<worksheet xmlns=\"" + MAIN + "\"><sheetData>"
                + "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>name</t></is></c></row>"
                + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>" + value + "</t></is></c></row>"
                + "</sheetData></worksheet>";
    }

    static String inline(String cell, String text) {
        return "<c r=\"" + cell + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
    }

    /** A sheet of these rows (raw XML). */
    static byte[] sheetOf(String rows) {
        return (XML + "<worksheet xmlns=\"" + MAIN + "\"><sheetData>" + rows + "</sheetData></worksheet>")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A minimal workbook zipped here, with some parts replaced. */
    static byte[] handmade(Map<String, byte[]> replaced) throws Exception {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("[Content_Types].xml", (XML + CONTENT_TYPES).getBytes(StandardCharsets.UTF_8));
        parts.put("_rels/.rels", (XML + RELS).getBytes(StandardCharsets.UTF_8));
        parts.put("xl/workbook.xml", (XML + WORKBOOK).getBytes(StandardCharsets.UTF_8));
        parts.put("xl/_rels/workbook.xml.rels", (XML + WORKBOOK_RELS).getBytes(StandardCharsets.UTF_8));
        parts.put("xl/worksheets/sheet1.xml", sheet("", "Ann").getBytes(StandardCharsets.UTF_8));
        parts.putAll(replaced);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> part : parts.entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(part.getKey()));
                zip.write(part.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A workbook whose sheet is {@code megabytes} MB of whitespace between two rows: over 1000 times its size zipped. */
    static byte[] bomb(int megabytes) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.setLevel(9);
            for (String name : List.of("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                    "xl/_rels/workbook.xml.rels")) {
                zip.putNextEntry(new java.util.zip.ZipEntry(name));
                zip.write((XML + switch (name) {
                    case "[Content_Types].xml" -> CONTENT_TYPES;
                    case "_rels/.rels" -> RELS;
                    case "xl/workbook.xml" -> WORKBOOK;
                    default -> WORKBOOK_RELS;
                }).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            zip.putNextEntry(new java.util.zip.ZipEntry("xl/worksheets/sheet1.xml"));
            String sheet = sheet("", "Ann");
            int middle = sheet.indexOf("<row r=\"2\"");
            zip.write(sheet.substring(0, middle).getBytes(StandardCharsets.UTF_8));
            byte[] spaces = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < megabytes; i++) {
                zip.write(spaces);
            }
            zip.write(sheet.substring(middle).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** The zip with the central directory declaring {@code name} no larger than it is compressed. */
    static byte[] declareSmall(byte[] zip, String name) {
        byte[] out = zip.clone();
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 < out.length; i++) {
            if (out[i] == 'P' && out[i + 1] == 'K' && out[i + 2] == 1 && out[i + 3] == 2) {
                int nameLength = (out[i + 28] & 0xFF) | (out[i + 29] & 0xFF) << 8;
                String entry = new String(out, i + 46, nameLength, StandardCharsets.UTF_8);
                if (entry.equals(new String(wanted, StandardCharsets.UTF_8))) {
                    System.arraycopy(out, i + 20, out, i + 24, 4); // uncompressed size := compressed size
                    return out;
                }
            }
        }
        throw new IllegalStateException(name + " not in the central directory");
    }
}
