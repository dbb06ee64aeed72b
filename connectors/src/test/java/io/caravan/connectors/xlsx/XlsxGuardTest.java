package io.caravan.connectors.xlsx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The prolog check of XML parts, and the OOXML escaping of text, on their own. */
class XlsxGuardTest {

    private static String problem(String xml, Charset charset) throws Exception {
        return XlsxGuard.prologProblem(new ByteArrayInputStream(xml.getBytes(charset)));
    }

    private static String problem(String xml) throws Exception {
        return problem(xml, StandardCharsets.UTF_8);
    }

    @Test
    void aDoctypeIsFoundWhereverItMayStandInTheProlog() throws Exception {
        String doctype = "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>";
        assertThat(problem("<?xml version=\"1.0\"?><a>&amp;</a>")).isNull();
        assertThat(problem("\uFEFF<?xml version=\"1.0\"?>\n<!-- x -->\n<a/>")).isNull();
        assertThat(problem("<a><![CDATA[<!DOCTYPE a>]]></a>")).as("after the root element: content").isNull();
        assertThat(problem("\u0089PNG binary")).isNull();

        for (String xml : new String[] {doctype + "<a/>", "<?xml version=\"1.0\"?>" + doctype + "<a/>",
            "\uFEFF<?xml version=\"1.0\"?>\r\n" + doctype, "<!-- <a/> -->" + doctype + "<a/>",
            "<?pi <a/> ?>\n<!---->" + doctype + "<a/>"}) {
            assertThat(problem(xml)).as(xml).startsWith("declares a DOCTYPE");
            assertThat(problem(xml, StandardCharsets.UTF_16LE)).as("UTF-16LE %s", xml).startsWith("declares a DOCTYPE");
            assertThat(problem(xml, StandardCharsets.UTF_16)).as("UTF-16 %s", xml).startsWith("declares a DOCTYPE");
        }
        assertThat(problem("<!--" + "x".repeat(70_000) + "-->" + doctype + "<a/>"))
                .startsWith("has a prolog longer than 65536 bytes");
    }

    @Test
    void escapedTextDecodesToWhatWasWritten() {
        String pieces = "a_x0041__x005F_x_X00e9_\u0001\u001F\t\n\r\uFFFE\uFFFF\uD800\uDC00\uD83D\uDE00é日";
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(20); k > 0; k--) {
                text.append(pieces.charAt(random.nextInt(pieces.length())));
            }
            String written = text.toString();
            String encoded = XlsxText.encode(written);
            assertThat(XlsxText.decode(encoded)).as("'%s' as '%s'", written, encoded).isEqualTo(written);
            assertThat(encoded.chars().allMatch(c -> c >= ' ' && c < 0xFFFE || c == '\t' || c == '\n' || c == '\r'))
                    .as("only characters XML holds: '%s'", encoded).isTrue();
        }
    }
}
