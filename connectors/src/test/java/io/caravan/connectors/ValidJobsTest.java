package io.caravan.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.job.validation.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Valid jobs validate without a problem; the shared examples (DESIGN §2) fail only for what is
 * not built yet.
 */
class ValidJobsTest {

    private static final Path DIR = JobFixtures.resourceDir("jobs/valid");

    /** The repository's {@code examples/} (copied from the shared examples), relative to the connectors module. */
    private static final Path EXAMPLES = Path.of("../examples");

    /** Step kinds the examples use that later issues build. */
    private static final Set<String> FUTURE_KINDS = Set.of();

    /** Fields of existing kinds that the examples use and that kind does not have yet: kind.field. */
    private static final Set<String> FUTURE_FIELDS = Set.of();

    private static final Pattern STEP = Pattern.compile("^\\$\\.steps\\[(\\d+)](?:\\.([A-Za-z]+))?$");

    static Stream<Arguments> fixtures() {
        return JobFixtures.jobFiles(DIR).stream().map(f -> Arguments.of(f.getFileName().toString(), f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void validates(String name, Path file) {
        List<Problem> problems = JobFixtures.validate(JobFixtures.read(file));

        assertThat(problems).as("%s should be valid; problems:%n%s", name, JobFixtures.describe(problems)).isEmpty();
    }

    @Test
    void thereAreSeveralValidFixtures() {
        assertThat(JobFixtures.jobFiles(DIR)).hasSizeBetween(3, 10);
    }

    /**
     * Each example parses, and its only problems are: a step of a kind not built yet, a connection
     * other than {@code local}, or a field an existing kind does not have yet ({@link #FUTURE_FIELDS}).
     * Expressions reading secrets, connections, row, trigger or webhook must raise nothing.
     */
    @TestFactory
    Stream<DynamicTest> sharedExamplesFailOnlyForWhatIsNotBuiltYet() {
        assertThat(EXAMPLES).as("the examples folder").isDirectory();
        List<Path> files = JobFixtures.jobFiles(EXAMPLES);
        assertThat(files).as("job documents in %s", EXAMPLES).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            JsonNode job = JobFixtures.read(f);
            assertThat(job.isObject()).as("%s is a JSON object", f.getFileName()).isTrue();
            List<Problem> problems = JobFixtures.validate(job);
            List<String> unexpected = problems.stream()
                    .filter(p -> !notBuiltYet(job, p))
                    .map(p -> p.path() + " | " + p.message())
                    .toList();
            assertThat(unexpected)
                    .as("%s: problems not explained by missing kinds, fields or connections; all problems:%n%s",
                            f.getFileName(), JobFixtures.describe(problems))
                    .isEmpty();
        }));
    }

    private static boolean notBuiltYet(JsonNode job, Problem problem) {
        Matcher m = STEP.matcher(problem.path());
        if (!m.matches()) {
            return false;
        }
        JsonNode step = job.path("steps").path(Integer.parseInt(m.group(1)));
        String type = step.path("type").asText();
        String field = m.group(2);
        if (field == null) {
            return false;
        }
        if (field.equals("type")) {
            return FUTURE_KINDS.contains(type) && problem.message().startsWith("unknown step type \"" + type + "\"");
        }
        if (field.equals("connection")) {
            String connection = step.path("connection").asText();
            return !connection.equals("local")
                    && problem.message().startsWith("unknown connection '" + connection + "'");
        }
        return FUTURE_FIELDS.contains(type + "." + field) && problem.message().startsWith("is not a field of ");
    }
}
