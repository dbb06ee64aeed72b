package io.caravan.runtime.management;

import io.caravan.runtime.config.CaravanConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.jolokia.core.api.LogHandler;
import org.jolokia.jvmagent.JolokiaServer;
import org.jolokia.jvmagent.JolokiaServerConfig;
import org.jolokia.server.core.config.SystemPropertyMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jolokia JVM agent, started inside the node: the platform MBean server over HTTP at
 * {@code http://host:port/jolokia/}, which Hawtio connects to. Camel's MBeans are there, e.g.
 * {@code org.apache.camel:context=caravan,type=routes,name="job.<id>"} per job and
 * {@code type=processors,name="<job>.<step>"} per step. Its settings come only from
 * {@link CaravanConfig.Jolokia}: {@code jolokia.*} system properties are not read. The access
 * policy {@value #POLICY} refuses the MBean operations that would reach beyond the node's
 * management (loading a JVM agent, dumping the heap with its secrets, sending messages).
 */
public final class JolokiaAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JolokiaAgent.class);
    static final String POLICY = "caravan-jolokia-access.xml";

    private final JolokiaServer server;

    private JolokiaAgent(JolokiaServer server) {
        this.server = server;
    }

    /**
     * Starts the agent on the configured host and port.
     *
     * @throws IllegalStateException when it cannot listen there, naming the setting
     */
    public static JolokiaAgent start(CaravanConfig.Jolokia config) {
        Map<String, String> settings = new HashMap<>();
        settings.put("host", config.host());
        settings.put("port", String.valueOf(config.port()));
        settings.put("agentContext", "/jolokia");
        settings.put("policyLocation", "classpath:/" + POLICY);
        settings.put("discoveryEnabled", "false");
        // a few threads: Hawtio sends bulk requests while a second viewer may be polling
        settings.put("executor", "fixed");
        settings.put("nrThreads", "4");
        settings.put("threadNamePrefix", "caravan-jolokia-");
        if (config.user() != null) {
            settings.put("user", config.user());
            settings.put("password", config.password());
        }
        try {
            JolokiaServer server = new JolokiaServer(new JolokiaServerConfig(settings, SystemPropertyMode.NEVER),
                    new Log());
            server.start();
            LOG.info("Jolokia (JMX over HTTP, for Hawtio) at {}{}", server.getUrl(),
                    config.user() == null ? "" : " with basic authentication");
            return new JolokiaAgent(server);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Jolokia cannot listen on " + config.host() + ":" + config.port()
                    + " (CARAVAN_JOLOKIA_HOST, CARAVAN_JOLOKIA_PORT): " + e.getMessage(), e);
        }
    }

    /** Where the agent answers, e.g. {@code http://127.0.0.1:8778/jolokia/}. */
    public String url() {
        return server.getUrl();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Jolokia's messages in the node's log, not on standard output. */
    private static final class Log implements LogHandler {
        private static final Logger JOLOKIA = LoggerFactory.getLogger("org.jolokia");

        @Override
        public void debug(String message) {
            JOLOKIA.debug(message);
        }

        @Override
        public void info(String message) {
            JOLOKIA.info(message);
        }

        @Override
        public void error(String message, Throwable t) {
            JOLOKIA.error(message, t);
        }

        @Override
        public boolean isDebug() {
            return JOLOKIA.isDebugEnabled();
        }
    }
}
