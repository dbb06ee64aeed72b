package io.caravan.connectors.s3;

import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.component.minio.MinioConstants;

/** {@code s3.copy}: copies an object within the server (no bytes pass through Caravan). Output {@code {bucket, key, etag}} of the copy. */
public final class S3CopyStep implements StepKind<S3CopyConfig> {

    @Override
    public String type() {
        return "s3.copy";
    }

    @Override
    public Class<S3CopyConfig> configType() {
        return S3CopyConfig.class;
    }

    @Override
    public String description() {
        return "Copies an S3 object to another key or bucket on the same server.";
    }

    @Override
    public void check(S3CopyConfig config, Problems problems) {
        S3Target.check(config.bucket(), ".bucket", problems);
        S3Target.check(config.toBucket(), ".toBucket", problems);
    }

    @Override
    public Object run(S3CopyConfig config, StepCall call) throws Exception {
        S3Target source = S3Target.of(call, config.connection(), config.bucket());
        S3Target target = S3Target.of(call, config.connection(), config.toBucket() == null ? source.bucket()
                : config.toBucket(), "toBucket");
        var result = source.send(call, "copyObject", config.key(), exchange -> {
            exchange.getMessage().setHeader(MinioConstants.DESTINATION_BUCKET_NAME, target.bucket());
            exchange.getMessage().setHeader(MinioConstants.DESTINATION_OBJECT_NAME, config.toKey());
        });
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("bucket", target.bucket());
        output.put("key", config.toKey());
        Object body = result.getMessage().getBody();
        output.put("etag", body instanceof io.minio.ObjectWriteResponse written && written.etag() != null
                ? written.etag().replace("\"", "") : null);
        return output;
    }
}
