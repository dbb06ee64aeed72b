package io.caravan.job.step;

/**
 * A step failure that its kind has classified: a stable type (e.g. {@code http.status},
 * {@code sql.syntax}) and whether trying again may help.
 */
public class StepException extends Exception {

    private final String type;
    private final boolean retryable;
    private final java.time.Duration retryAfter;

    public StepException(String type, String message, boolean retryable) {
        this(type, message, retryable, null);
    }

    public StepException(String type, String message, boolean retryable, Throwable cause) {
        this(type, message, retryable, cause, null);
    }

    /**
     * A failure whose source said when to try again (e.g. HTTP {@code Retry-After}).
     *
     * @param retryAfter how long to wait before another attempt, or null
     */
    public StepException(String type, String message, boolean retryable, Throwable cause,
            java.time.Duration retryAfter) {
        super(message, cause);
        this.type = type;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** How long the source asked to wait before another attempt, or null. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    /** A stable name of the kind of failure. */
    public String type() {
        return type;
    }

    /** Whether another attempt may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
