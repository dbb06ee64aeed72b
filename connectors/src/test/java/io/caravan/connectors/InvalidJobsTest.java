package io.caravan.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.job.validation.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every document in {@code jobs/invalid} is a job a user could really write, wrong in one way;
 * {@code jobs/invalid/expected.json} says, per file, which problems the validator must report
 * (exact JSON path, a distinctive part of the message).
 */
class InvalidJobsTest {

    private static final Path DIR = JobFixtures.resourceDir("jobs/invalid");
    private static final JsonNode EXPECTED = JobFixtures.read(DIR.resolve("expected.json"));

    static Stream<Arguments> fixtures() {
        return JobFixtures.jobFiles(DIR).stream().map(f -> Arguments.of(f.getFileName().toString(), f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void reportsTheExpectedProblems(String name, Path file) {
        List<Problem> problems = JobFixtures.validate(JobFixtures.read(file));

        assertThat(problems).as("%s validated without a problem, but it is an invalid job", name).isNotEmpty();
        JsonNode expected = EXPECTED.get(name);
        assertThat(expected).as("expected.json has no entry for %s", name).isNotNull();
        assertThat(expected.isArray() && !expected.isEmpty())
                .as("the entry of %s in expected.json must be a non-empty array", name).isTrue();
        List<String> missing = new ArrayList<>();
        for (JsonNode e : expected) {
            String path = e.path("path").asText();
            String contains = e.path("contains").asText();
            boolean found = problems.stream()
                    .anyMatch(p -> p.path().equals(path) && p.message().contains(contains));
            if (!found) {
                missing.add("  " + path + " | ..." + contains + "...");
            }
        }
        assertThat(missing)
                .as("%s: expected problems not reported:%n%s%nreported:%n%s", name, String.join("\n", missing),
                        JobFixtures.describe(problems))
                .isEmpty();
    }

    @Test
    void everyFixtureHasAnEntryAndEveryEntryAFixture() {
        List<Path> files = JobFixtures.jobFiles(DIR);
        assertThat(files).as("invalid job fixtures").hasSizeGreaterThanOrEqualTo(15);

        Set<String> names = new TreeSet<>();
        files.forEach(f -> names.add(f.getFileName().toString()));
        Set<String> entries = new TreeSet<>();
        EXPECTED.fieldNames().forEachRemaining(entries::add);
        assertThat(names).as("fixtures without an entry in expected.json").isSubsetOf(entries);
        assertThat(entries).as("entries of expected.json without a fixture file").isSubsetOf(names);
    }
}
