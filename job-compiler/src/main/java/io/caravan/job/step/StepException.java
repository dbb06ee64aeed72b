package io.caravan.job.step;

/**
 * A step failure that its kind has classified: a stable type (e.g. {@code http.status},
 * {@code sql.syntax}) and whether trying again may help.
 */
public class StepException extends Exception {

    private final String type;
    private final boolean retryable;

    public StepException(String type, String message, boolean retryable) {
        this(type, message, retryable, null);
    }

    public StepException(String type, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.retryable = retryable;
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
