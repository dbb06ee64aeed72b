package io.caravan.connectors.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.caravan.job.step.StepException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * File names as a caller could make them through a parameter ({@code report-{{ params.x }}.csv}):
 * each that could leave the execution's folder, or that reads otherwise than it looks, is refused
 * naming the field; names that only look unusual stay what they are.
 */
class FileNamesInjectionTest {

    private static final List<String> REFUSED = List.of(
            "..", ".", "../x.csv", "..\\x.csv", "a/b.csv", "a\\b.csv", "/etc/passwd", "C:\\x.csv", "\\\\srv\\share\\x",
            "x.csv\u0000.txt", "x\n.csv", "x\r.csv", "\u007f.csv", "\u0085.csv",
            "\uff0e\uff0e", "\u2024\u2024", "\uff0e", "a\uff0fb.csv", "a\uff3cb.csv", "\ufe52\ufe52",
            "invoice\u202efdp.exe", "a\u200b.csv", "\u2066x.csv", "\ufeffx.csv",
            "", " ", "x".repeat(256), "é".repeat(128));

    /** Unusual but harmless: a file system reads each as the name it shows. */
    private static final List<String> KEPT = List.of(
            "%2e%2e", "%2e%2e%2fetc%2fpasswd", "...", "..x", "x..", ".hidden", "a b.csv", "$(rm -rf x).csv",
            "'; drop table x; --.csv", "日本語.xlsx", "½.csv", "x".repeat(255));

    @Test
    void hostileNamesAreRefusedAndOddOnesKept() throws Exception {
        for (String name : REFUSED) {
            Throwable e = catchThrowable(() -> FileNames.checked(name, "saveAs"));
            assertThat(e).as("name %s", name.replace("\u0000", "\\0")).isInstanceOfSatisfying(StepException.class, s -> {
                assertThat(s.type()).isEqualTo("file");
                assertThat(s).hasMessageStartingWith("saveAs: ");
            });
        }
        for (String name : KEPT) {
            assertThat(FileNames.checked(name, "saveAs")).isEqualTo(name);
        }
        System.out.printf("path injection: %d hostile file names refused, %d odd ones kept as written%n",
                REFUSED.size(), KEPT.size());
    }
}
