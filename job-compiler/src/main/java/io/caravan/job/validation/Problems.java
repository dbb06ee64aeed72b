package io.caravan.job.validation;

import java.util.ArrayList;
import java.util.List;

/** Collects problems under a base path, so every problem is reported at once. */
public final class Problems {

    private final String base;
    private final List<Problem> list;

    public Problems() {
        this("$", new ArrayList<>());
    }

    private Problems(String base, List<Problem> list) {
        this.base = base;
        this.list = list;
    }

    /** A view that reports under {@code base + suffix}, e.g. {@code .steps[2]}. */
    public Problems at(String suffix) {
        return new Problems(base + suffix, list);
    }

    /** Reports a problem at this view's path plus a field, e.g. {@code .query}; empty for here. */
    public void add(String field, String message) {
        list.add(new Problem(base + field, message));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** Everything reported so far, in order. */
    public List<Problem> list() {
        return List.copyOf(list);
    }
}
