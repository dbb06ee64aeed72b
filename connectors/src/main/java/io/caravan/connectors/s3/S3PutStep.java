package io.caravan.connectors.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.minio.MinioConstants;

/** {@code s3.put}: writes an object from a value or from a file of the execution (streamed). Output {@code {bucket, key, etag, size}}. */
public final class S3PutStep implements StepKind<S3PutConfig> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String type() {
        return "s3.put";
    }

    @Override
    public Class<S3PutConfig> configType() {
        return S3PutConfig.class;
    }

    @Override
    public String description() {
        return "Writes an S3 object from a value (JSON or text) or from a file of the execution, streamed.";
    }

    @Override
    public void check(S3PutConfig config, Problems problems) {
        if ((config.body() == null) == (config.file() == null)) {
            problems.add("", "give either body or file");
        }
        S3Target.check(config.bucket(), ".bucket", problems);
    }

    @Override
    public Object run(S3PutConfig config, StepCall call) throws Exception {
        S3Target target = S3Target.of(call, config.connection(), config.bucket());
        ExecutionFiles files = ExecutionFiles.of(call);
        long size;
        String type;
        Exchange result;
        if (config.file() != null) {
            String path = files.key(config.file(), "file");
            size = files.size(path);
            type = config.contentType() != null ? config.contentType() : config.file() instanceof Map<?, ?> m
                    && m.get("mime_type") instanceof String t ? t : "application/octet-stream";
            try (InputStream in = files.open(path, "file")) {
                result = put(call, target, config.key(), in, size, type);
            }
        } else {
            byte[] bytes = config.body() instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(config.body());
            size = bytes.length;
            type = config.contentType() != null ? config.contentType()
                    : config.body() instanceof String ? "text/plain; charset=utf-8" : "application/json";
            result = put(call, target, config.key(), bytes, size, type);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("bucket", target.bucket());
        output.put("key", config.key());
        output.put("etag", result.getMessage().getHeader(MinioConstants.E_TAG, String.class));
        output.put("size", size);
        return output;
    }

    private static Exchange put(StepCall call, S3Target target, String key, Object body, long size, String type)
            throws StepException {
        if (key == null || key.isBlank()) {
            throw new StepException("config", "key: the object key is empty", false);
        }
        return target.send(call, "putObject", key, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(MinioConstants.CONTENT_LENGTH, size);
            exchange.getMessage().setHeader(MinioConstants.CONTENT_TYPE, type);
        });
    }
}
