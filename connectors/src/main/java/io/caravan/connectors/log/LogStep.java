package io.caravan.connectors.log;

import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepKind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** {@code log}: writes a message to the log {@code caravan.job.<job id>} and to the execution's own log. */
public final class LogStep implements StepKind<LogConfig> {

    @Override
    public String type() {
        return "log";
    }

    @Override
    public Class<LogConfig> configType() {
        return LogConfig.class;
    }

    @Override
    public String description() {
        return "Writes a message to the log; output {message, level}.";
    }

    @Override
    public Object run(LogConfig config, StepCall call) {
        LogConfig.Level level = config.level() == null ? LogConfig.Level.INFO : config.level();
        Logger log = LoggerFactory.getLogger("caravan.job." + call.execution().jobId());
        // the execution and the step are in the MDC (the runtime's log layout shows them)
        log.atLevel(Level.valueOf(level.name())).log(call.execution().mask(config.message()));
        call.execution().log(call.stepId(), level.name(), config.message()); // the execution's own log, masked there
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("message", config.message());
        output.put("level", level.name());
        return output;
    }
}
