package io.caravan.job.validation;

import java.util.List;

/** A job document that failed validation, with every problem found. */
public class JobInvalidException extends RuntimeException {

    private final List<Problem> problems;

    public JobInvalidException(List<Problem> problems) {
        super("invalid job: " + problems.size() + " problem(s), first: "
                + (problems.isEmpty() ? "-" : problems.get(0).path() + " " + problems.get(0).message()));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
