package io.caravan.job.compiler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects what one class logs at INFO and above while it is open (log4j is the tests' SLF4J backend). */
final class LogCapture implements AutoCloseable {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final String logger;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

    private LogCapture(String logger) {
        this.logger = logger;
        AbstractAppender appender = new AbstractAppender("capture-" + logger, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.toImmutable());
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        LoggerConfig loggerConfig = new LoggerConfig(logger, Level.INFO, false);
        loggerConfig.addAppender(appender, null, null);
        config.addLogger(logger, loggerConfig);
        context.updateLoggers();
    }

    static LogCapture of(Class<?> type) {
        return new LogCapture(type.getName());
    }

    List<LogEvent> events() {
        return events;
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(logger);
        context.updateLoggers();
    }
}
