package io.caravan.connectors.s3;

import io.caravan.job.step.StepException;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;

/** S3 failures as step failures: a missing object or bucket and refused access are final; the network is not. */
public final class S3Errors {

    private S3Errors() {
    }

    /** The step failure for {@code e}, raised by {@code operation} on {@code key} (null: the bucket). */
    public static StepException classify(Exception e, String operation, String bucket, String key) {
        String target = "s3://" + bucket + (key == null ? "" : "/" + key);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException r) {
                String code = r.errorResponse().code();
                String type = switch (code) {
                    case "NoSuchKey", "NoSuchBucket" -> "s3.missing";
                    case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch" -> "s3.denied";
                    default -> "s3.error";
                };
                boolean retryable = r.response() != null && (r.response().code() >= 500 || r.response().code() == 429);
                return new StepException(type, operation + " " + target + ": " + code + " (" + r.errorResponse().message()
                        + ")", retryable, e);
            }
            if (t instanceof IOException io) {
                return new StepException("s3.connection", operation + " " + target + ": " + io.getMessage(), true, e);
            }
        }
        return new StepException("s3.error", operation + " " + target + ": " + e.getMessage(), false, e);
    }
}
