package io.caravan.connectors.set;

import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepKind;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code set}: writes values into {@code context.variables}; its output is what it set. */
public final class SetStep implements StepKind<SetConfig> {

    @Override
    public String type() {
        return "set";
    }

    @Override
    public Class<SetConfig> configType() {
        return SetConfig.class;
    }

    @Override
    public String description() {
        return "Sets variables (name -> value or expression) in the context.";
    }

    @Override
    public Object run(SetConfig config, StepCall call) {
        Map<String, Object> set = new LinkedHashMap<>(config.variables());
        set.forEach(call.execution()::setVariable);
        return set;
    }
}
