package io.caravan.job.expression;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The time one evaluation may take. JEXL cannot stop a Java call that is running, so the calls
 * whose cost can grow beyond their input (regular expressions, JSONPath, containment of one
 * collection in another) tick this as they work, and the tick throws once the time is over.
 * Held per thread: an evaluation runs on the thread that asked for it, start to end.
 */
final class Deadline {

    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();
    private static final int TICKS_PER_CHECK = 1024;

    private final Duration limit;
    private final long end;
    private int ticks;

    private Deadline(Duration limit) {
        this.limit = limit;
        this.end = System.nanoTime() + limit.toNanos();
    }

    /** Runs work with a deadline of {@code limit} from now; nested calls keep the outer deadline. */
    static <T> T within(Duration limit, Supplier<T> work) {
        if (CURRENT.get() != null) {
            return work.get();
        }
        CURRENT.set(new Deadline(limit));
        try {
            return work.get();
        } finally {
            CURRENT.remove();
        }
    }

    /** One unit of work; every so often compares the clock with the deadline. */
    static void tick() {
        Deadline deadline = CURRENT.get();
        if (deadline != null && ++deadline.ticks % TICKS_PER_CHECK == 0 && System.nanoTime() - deadline.end > 0) {
            throw new Exceeded(deadline.limit);
        }
    }

    /**
     * Throws when the time is over, whatever the ticks: for libraries that swallow the tick's
     * exception (JSONPath with SUPPRESS_EXCEPTIONS would answer null as if nothing matched).
     */
    static void check() {
        Deadline deadline = CURRENT.get();
        if (deadline != null && System.nanoTime() - deadline.end > 0) {
            throw new Exceeded(deadline.limit);
        }
    }

    /** Text whose every character read ticks, so that a backtracking regex match stops in time. */
    static CharSequence watched(CharSequence text) {
        return new Watched(text);
    }

    private record Watched(CharSequence text) implements CharSequence {
        @Override
        public char charAt(int index) {
            tick();
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Watched(text.subSequence(start, end));
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /** The evaluation ran out of time; unchecked so it passes through JEXL and the libraries. */
    static final class Exceeded extends RuntimeException {
        Exceeded(Duration limit) {
            super("took longer than " + limit.toMillis() + " ms, the time an expression may take"
                    + " (a regular expression that backtracks, or a search through a large value?)", null, false, false);
        }
    }
}
