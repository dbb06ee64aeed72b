package io.caravan.connectors;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.schema.JobSchemaGenerator;
import io.caravan.job.step.StepKinds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The job JSON Schema generated from the model and this module's step kinds is committed as
 * {@code src/main/resources/caravan/job.schema.json}; this test keeps the two equal. With
 * {@code -Dcaravan.updateSchema=true} it rewrites the file instead.
 */
class JobSchemaGoldenTest {

    static final Path SCHEMA_FILE = Path.of("src/main/resources/caravan/job.schema.json");

    static final String UPDATE_COMMAND =
            "mvn -pl connectors test -Dtest=JobSchemaGoldenTest -Dcaravan.updateSchema=true";

    @Test
    void committedSchemaIsTheGeneratedOne() throws Exception {
        String generated = new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(new JobSchemaGenerator().generate(StepKinds.load()))
                .replace("\r\n", "\n") + "\n";

        if (Boolean.getBoolean("caravan.updateSchema")) {
            Files.createDirectories(SCHEMA_FILE.getParent());
            Files.writeString(SCHEMA_FILE, generated, StandardCharsets.UTF_8);
            System.out.println("JobSchemaGoldenTest: wrote " + SCHEMA_FILE.toAbsolutePath().normalize());
            return;
        }

        String advice = "The job schema changed (model, step kinds or generator). Regenerate "
                + "connectors/" + SCHEMA_FILE + " from the project root with:\n    " + UPDATE_COMMAND
                + "\nand commit the file.";
        if (!Files.exists(SCHEMA_FILE)) {
            fail(SCHEMA_FILE.toAbsolutePath().normalize() + " does not exist. " + advice);
        }
        String committed = Files.readString(SCHEMA_FILE, StandardCharsets.UTF_8).replace("\r\n", "\n");
        if (!committed.equals(generated)) {
            fail(advice + "\n" + firstDifference(committed, generated));
        }
    }

    private static String firstDifference(String committed, String generated) {
        String[] a = committed.split("\n", -1);
        String[] b = generated.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String left = i < a.length ? a[i] : "<end of file>";
            String right = i < b.length ? b[i] : "<end of file>";
            if (!left.equals(right)) {
                return "First difference at line " + (i + 1) + ":\n  committed: " + left + "\n  generated: " + right;
            }
        }
        return "";
    }
}
