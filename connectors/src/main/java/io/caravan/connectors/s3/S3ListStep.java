package io.caravan.connectors.s3;

import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepException;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** {@code s3.list}: the objects of a bucket under a prefix. Output {@code {objects: [{key, size, last_modified, etag}], count, truncated}}. */
public final class S3ListStep implements StepKind<S3ListConfig> {

    private static final int DEFAULT_MAX = 1000;
    private static final int MOST = 10_000;

    @Override
    public String type() {
        return "s3.list";
    }

    @Override
    public Class<S3ListConfig> configType() {
        return S3ListConfig.class;
    }

    @Override
    public String description() {
        return "Lists the objects of an S3 bucket under a prefix.";
    }

    @Override
    public void check(S3ListConfig config, Problems problems) {
        if (config.maxKeys() != null && (config.maxKeys() < 1 || config.maxKeys() > MOST)) {
            problems.add(".maxKeys", "must be from 1 to " + MOST + ", got " + config.maxKeys());
        }
        S3Target.check(config.bucket(), ".bucket", problems);
    }

    @Override
    public Object run(S3ListConfig config, StepCall call) throws Exception {
        S3Target target = S3Target.of(call, config.connection(), config.bucket());
        int max = config.maxKeys() == null ? DEFAULT_MAX : config.maxKeys();
        // camel-minio's producer ignores prefix and recursive unless the request is given whole
        ListObjectsArgs.Builder request = ListObjectsArgs.builder().bucket(target.bucket())
                .prefix(config.prefix() == null ? "" : config.prefix())
                .recursive(config.recursive() == null || config.recursive());
        Exchange result = target.send(call, "listObjects", "&pojoRequest=true", null,
                exchange -> exchange.getMessage().setBody(request));
        List<Map<String, Object>> objects = new ArrayList<>();
        boolean truncated = false;
        try {
            for (Object each : result.getMessage().getBody(Iterable.class)) {
                if (objects.size() == max) {
                    truncated = true;
                    break;
                }
                Item item = ((Result<?>) each).get() instanceof Item i ? i : null;
                if (item == null) {
                    continue;
                }
                Map<String, Object> object = new LinkedHashMap<>();
                object.put("key", item.objectName());
                object.put("size", item.size());
                object.put("last_modified", item.isDir() ? null : item.lastModified().toInstant().toString());
                object.put("etag", item.etag() == null ? null : item.etag().replace("\"", ""));
                object.put("directory", item.isDir());
                objects.add(object);
            }
        } catch (Exception e) {
            throw e instanceof StepException s ? s : S3Errors.classify(e, "listObjects", target.bucket(), config.prefix());
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("objects", objects);
        output.put("count", objects.size());
        output.put("truncated", truncated);
        return output;
    }
}
