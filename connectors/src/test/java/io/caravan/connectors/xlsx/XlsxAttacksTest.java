package io.caravan.connectors.xlsx;

import static io.caravan.connectors.xlsx.HandmadeWorkbooks.CONTENT_TYPES;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.WORKBOOK;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.WORKBOOK_RELS;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.XML;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.bomb;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.declareSmall;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.handmade;
import static io.caravan.connectors.xlsx.HandmadeWorkbooks.sheet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.connectors.TestCall;
import io.caravan.connectors.TestStore;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.step.StepException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Workbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xlsx.read against hostile workbooks, stored in a real S3 server: XXE wherever a DOCTYPE may
 * stand (every part, UTF-16, billion laughs), parsers that expand nothing even behind the check,
 * and zip bombs, with sizes that tell the truth or lie.
 */
class XlsxAttacksTest {

    @TempDir
    static Path dir;
    private static TestStore store;

    private final XlsxReadStep read = new XlsxReadStep();
    private final TestCall call = TestCall.of(store.camel(), "step");

    @BeforeAll
    static void start() throws Exception {
        store = TestStore.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(Object file, Object sheet, Boolean header, List<String> columns) throws Exception {
        return (Map<String, Object>) read.run(new XlsxReadConfig(file, sheet, header, columns), call);
    }

    private void put(String name, byte[] content) throws Exception {
        ExecutionFiles.of(call).write(name, "file", out -> {
            out.write(content);
            return null;
        });
    }

    @Test
    void anXxeWorkbookIsRefusedWhereverItsDoctypeStands() throws Exception {
        String entity = "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>";
        put("plain.xlsx", handmade(Map.of()));
        assertThat(read("plain.xlsx", null, true, null).get("rows")).as("the hand-made workbook itself is fine")
                .isEqualTo(List.of(Map.of("name", "Ann")));

        List<Map.Entry<String, String>> attacks = new java.util.ArrayList<>();
        attacks.add(Map.entry("xl/worksheets/sheet1.xml", sheet(entity, "&xxe;")));
        attacks.add(Map.entry("xl/workbook.xml", XML + entity + WORKBOOK));
        attacks.add(Map.entry("[Content_Types].xml", XML + entity + CONTENT_TYPES));
        attacks.add(Map.entry("xl/_rels/workbook.xml.rels", XML + "<!-- a comment first -->\n" + entity + WORKBOOK_RELS));
        attacks.add(Map.entry("xl/sharedStrings.xml", XML + entity + "<sst xmlns=\"" + HandmadeWorkbooks.MAIN + "\" count=\"1\" uniqueCount=\"1\">"
                + "<si><t>&xxe;</t></si></sst>"));
        // billion laughs: ten entities each ten of the one before, a gigabyte of text from a few hundred bytes
        StringBuilder laughs = new StringBuilder("<!DOCTYPE x [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        attacks.add(Map.entry("xl/worksheets/sheet1.xml", sheet(laughs + "]>", "&lol9;")));
        for (Map.Entry<String, String> attack : attacks) {
            put("xxe.xlsx", handmade(Map.of(attack.getKey(), attack.getValue().getBytes(StandardCharsets.UTF_8))));
            assertThatThrownBy(() -> read("xxe.xlsx", null, true, null)).as(attack.getKey())
                    .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.type()).isEqualTo("xlsx"))
                    .hasMessageContaining("file jobs/job/executions/exec-1/files/xxe.xlsx")
                    .hasMessageContaining("part " + attack.getKey() + " declares a DOCTYPE")
                    .hasMessageNotContaining("root:");
        }

        byte[] utf16 = ("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + sheet(entity, "&xxe;").substring(XML.length()))
                .getBytes(StandardCharsets.UTF_16);
        put("xxe16.xlsx", handmade(Map.of("xl/worksheets/sheet1.xml", utf16)));
        assertThatThrownBy(() -> read("xxe16.xlsx", null, true, null)).isInstanceOf(StepException.class)
                .hasMessageContaining("declares a DOCTYPE");
    }

    @Test
    void behindTheCheckThePartsParsersNeitherExpandEntitiesNorReadFiles() throws Exception {
        Path secret = dir.resolve("secret.txt");
        java.nio.file.Files.writeString(secret, "s3cr3t-marker");
        byte[] xxe = handmade(Map.of("xl/worksheets/sheet1.xml", sheet(
                "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>", "&xxe;")
                .getBytes(StandardCharsets.UTF_8)));
        Path file = dir.resolve("xxe-unchecked.xlsx");
        java.nio.file.Files.write(file, xxe);
        try (Workbook workbook = XlsxRows.workbook(file, false); // XlsxGuard not asked
                XlsxRows.Source rows = new XlsxRows.Source(workbook, dir.resolve("none"), workbook.getSheetAt(0),
                        XlsxOptions.of(null, true, null), true)) {
            Object value = rows.hasNext() ? rows.next().get("name") : null;
            assertThat(String.valueOf(value)).as("no entity expanded").doesNotContain("s3cr3t-marker");
        } catch (RuntimeException e) { // refused outright: as good
            assertThat(XlsxRows.failure(e)).contains("refused: an XML part of the workbook declares a DTD or refers to"
                    + " an entity (XXE)").contains("Undeclared general entity \"xxe\"");
        }
    }

    @Test
    void aZipBombIsRefusedBeforeItExpands() throws Exception {
        byte[] bomb = bomb(200);
        assertThat(bomb.length).as("200 MB of sheet in a small file").isLessThan(1_000_000);
        put("bomb.xlsx", bomb);
        long start = System.nanoTime();
        assertThatThrownBy(() -> read("bomb.xlsx", null, true, null))
                .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.type()).isEqualTo("xlsx"))
                .hasMessageContaining("part xl/worksheets/sheet1.xml expands")
                .hasMessageContaining("refused as a zip bomb");

        put("bomb-lying.xlsx", declareSmall(bomb, "xl/worksheets/sheet1.xml"));
        assertThatThrownBy(() -> read("bomb-lying.xlsx", null, true, null))
                .as("sizes that lie: POI counts what it really inflates")
                .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.type()).isEqualTo("xlsx"))
                .hasMessageContaining("part xl/worksheets/sheet1.xml expands more than 100 times its compressed size"
                        + " (its declared sizes hid it): refused as a zip bomb");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds to refuse both").isLessThan(20);
    }
}
