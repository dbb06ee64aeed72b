package io.caravan.connectors.csv;

import io.caravan.job.expression.Template;
import io.caravan.job.step.StepException;
import io.caravan.job.validation.Problems;

/** Checks of the CSV settings both steps share: at save, and again as rendered when the step runs. */
final class CsvChecks {

    private CsvChecks() {
    }

    /** Reports a bad delimiter, quote or charset; values that are expressions are checked as they run. */
    static void dialect(String delimiter, String quote, String charset, Problems problems) {
        report(".delimiter", delimiterProblem(delimiter), problems);
        report(".quote", quoteProblem(quote), problems);
        report(".charset", charsetProblem(charset), problems);
    }

    /** As rendered, before the step reads or writes anything. */
    static void dialect(String delimiter, String quote, String charset) throws StepException {
        for (String problem : new String[] {delimiterProblem(delimiter), quoteProblem(quote), charsetProblem(charset)}) {
            if (problem != null) {
                throw new StepException("config", problem, false);
            }
        }
    }

    private static void report(String field, String problem, Problems problems) {
        if (problem != null) {
            problems.add(field, problem);
        }
    }

    private static String delimiterProblem(String delimiter) {
        return delimiter == null || Template.hasPlaceholder(delimiter) || delimiter.length() == 1 ? null
                : "delimiter must be one character, not '" + delimiter + "'";
    }

    private static String quoteProblem(String quote) {
        return quote == null || Template.hasPlaceholder(quote) || quote.length() <= 1 ? null
                : "quote must be one character, or empty for none; not '" + quote + "'";
    }

    private static String charsetProblem(String charset) {
        return charset == null || Template.hasPlaceholder(charset) || CsvOptions.supported(charset) ? null
                : "unknown character set '" + charset + "'";
    }
}
