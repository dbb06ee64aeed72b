package io.caravan.job.expression;

/** An expression that cannot be parsed or evaluated; the message names the expression. */
public class ExpressionException extends RuntimeException {

    private final String expression;
    private final String reason;

    public ExpressionException(String expression, String reason, Throwable cause) {
        super("expression '" + expression + "': " + reason, cause);
        this.expression = expression;
        this.reason = reason;
    }

    /** The expression as written, without its braces. */
    public String expression() {
        return expression;
    }

    /** Why it failed, without the expression. */
    public String reason() {
        return reason;
    }
}
