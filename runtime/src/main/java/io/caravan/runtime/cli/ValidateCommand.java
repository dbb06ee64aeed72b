package io.caravan.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.expression.Expressions;
import io.caravan.job.step.StepKinds;
import io.caravan.job.validation.JobValidator;
import io.caravan.job.validation.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code caravan validate FILE…}: each job file checked as the server would, offline; every problem with its path. */
@Command(name = "validate", description = "Check job files offline; prints each problem as FILE: $.path: message.")
final class ValidateCommand implements Callable<Integer> {

    /** Offline no connection is known: any name passes, the server checks it on push. */
    private static final Set<String> ANY_CONNECTION = new AbstractSet<>() {
        @Override
        public boolean contains(Object o) {
            return true;
        }

        @Override
        public Iterator<String> iterator() {
            return Collections.emptyIterator();
        }

        @Override
        public int size() {
            return 0;
        }
    };

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Job documents (JSON).")
    List<Path> files;

    @Override
    public Integer call() {
        ObjectMapper json = new ObjectMapper();
        JobValidator validator = new JobValidator(StepKinds.load(), new Expressions(), json);
        int invalid = 0;
        for (Path file : files) {
            List<Problem> problems;
            try {
                JsonNode document = json.readTree(Files.readAllBytes(file));
                problems = validator.validate(document, ANY_CONNECTION);
            } catch (java.io.IOException e) {
                problems = List.of(new Problem("$", "cannot be read: " + Texts.firstLine(e.getMessage())));
            }
            if (problems.isEmpty()) {
                System.out.println(file + ": valid");
            } else {
                invalid++;
                problems.forEach(p -> System.out.println(file + ": " + p.path() + ": " + p.message()));
            }
        }
        if (invalid > 0) {
            System.out.println(invalid + " of " + files.size() + " file(s) not valid");
        }
        return invalid == 0 ? 0 : 1;
    }
}
