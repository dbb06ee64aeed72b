package io.caravan.runtime.api;

import io.caravan.job.validation.Problem;
import java.util.List;

/** A request Caravan refuses, answered as {@code application/problem+json} (RFC 9457). */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Problem> errors;

    public ApiException(int status, String title, String detail, List<Problem> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiException badRequest(String detail, List<Problem> errors) {
        return new ApiException(400, "Bad Request", detail, errors);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not Found", detail, List.of());
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, List.of());
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "Forbidden", detail, List.of());
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "Unauthorized", detail, List.of());
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Problem> errors() {
        return errors;
    }
}
