package io.caravan.connectors.s3;

import io.caravan.connectors.files.ExecutionFiles;
import io.caravan.connectors.files.FileNames;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepKind;
import io.caravan.job.validation.Problems;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/** {@code s3.get}: streams an object into a file of the execution. Output {@code {bucket, key, file}}. */
public final class S3GetStep implements StepKind<S3GetConfig> {

    @Override
    public String type() {
        return "s3.get";
    }

    @Override
    public Class<S3GetConfig> configType() {
        return S3GetConfig.class;
    }

    @Override
    public String description() {
        return "Streams an S3 object into a file of the execution (saveAs).";
    }

    @Override
    public void check(S3GetConfig config, Problems problems) {
        S3Target.check(config.bucket(), ".bucket", problems);
    }

    @Override
    public Object run(S3GetConfig config, StepCall call) throws Exception {
        S3Target target = S3Target.of(call, config.connection(), config.bucket());
        String name = config.saveAs() != null ? config.saveAs()
                : config.key().substring(config.key().lastIndexOf('/') + 1);
        FileNames.checked(name, "saveAs"); // before the object is fetched
        Exchange result = target.send(call, "getObject", config.key(), exchange -> { });
        Map<String, Object> file;
        try (InputStream in = result.getMessage().getBody(InputStream.class)) {
            file = ExecutionFiles.of(call).write(name, "saveAs", out -> {
                in.transferTo(out);
                return null;
            });
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("bucket", target.bucket());
        output.put("key", config.key());
        output.put("file", file);
        return output;
    }
}
