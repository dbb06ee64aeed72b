package io.caravan.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.expression.Expressions;
import io.caravan.job.step.StepKinds;
import io.caravan.job.validation.JobValidator;
import io.caravan.job.validation.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Shared plumbing of the job-fixture tests: one validator over the step kinds of this module. */
final class JobFixtures {

    /** The connections a fixture may use: what the embedded defaults offer. */
    static final Set<String> CONNECTIONS = Set.of("local");

    static final ObjectMapper JSON = new ObjectMapper();

    static final JobValidator VALIDATOR = new JobValidator(StepKinds.load(), new Expressions(), JSON);

    private JobFixtures() {
    }

    /** A folder of test resources, e.g. {@code jobs/invalid}, as a path. */
    static Path resourceDir(String name) {
        URL url = JobFixtures.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource folder " + name + " not on the class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job documents of a folder: every {@code *.json} but {@code expected.json}, by name. */
    static List<Path> jobFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals("expected.json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static List<Problem> validate(JsonNode job) {
        return VALIDATOR.validate(job, CONNECTIONS);
    }

    /** Problems one per line, for failure messages. */
    static String describe(List<Problem> problems) {
        return problems.isEmpty() ? "  (none)"
                : problems.stream().map(p -> "  " + p.path() + " | " + p.message()).collect(Collectors.joining("\n"));
    }
}
