package io.caravan.connectors.s3;

import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code s3.delete}: removes objects by key (none of them missing is an error: S3 says so neither). Output {@code {deleted, count}}. */
public final class S3DeleteStep implements StepKind<S3DeleteConfig> {

    @Override
    public String type() {
        return "s3.delete";
    }

    @Override
    public Class<S3DeleteConfig> configType() {
        return S3DeleteConfig.class;
    }

    @Override
    public String description() {
        return "Removes S3 objects by key.";
    }

    @Override
    public void check(S3DeleteConfig config, Problems problems) {
        if ((config.key() == null) == (config.keys() == null)) {
            problems.add("", "give either key or keys");
        }
        S3Target.check(config.bucket(), ".bucket", problems);
    }

    @Override
    public Object run(S3DeleteConfig config, StepCall call) throws Exception {
        S3Target target = S3Target.of(call, config.connection(), config.bucket());
        List<String> keys = config.keys() != null ? config.keys() : config.key() == null ? List.of() : List.of(config.key());
        List<String> deleted = new ArrayList<>();
        for (String key : keys) {
            target.send(call, "deleteObject", key, exchange -> { });
            deleted.add(key);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("deleted", deleted);
        output.put("count", deleted.size());
        return output;
    }
}
