package io.caravan.runtime.execution;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.compiler.CompiledJob;
import io.caravan.job.execution.ExecutionContext;
import io.caravan.runtime.store.ExecutionRow;
import io.caravan.runtime.store.ExecutionStore;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one claimed execution through its job's route and records how it ended. */
final class ExecutionRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionRunner.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ExecutionStore store;
    private final ProducerTemplate producer;
    private final ObjectMapper json;

    ExecutionRunner(ExecutionStore store, ProducerTemplate producer, ObjectMapper json) {
        this.store = store;
        this.producer = producer;
        this.json = json;
    }

    void run(ExecutionRow row, CompiledJob job) throws Exception {
        store.setVersion(row.id(), job.version());
        ExecutionContext context = ExecutionContext.start(row.id().toString(), row.jobId(), job.version(),
                json.readValue(row.trigger(), MAP), json.readValue(row.params(), MAP),
                new StoreListener(store, row.id(), job.job().steps().size()));
        Exchange done = producer.send(job.endpointUri(), e -> e.setProperty(ExecutionContext.PROPERTY, context));
        String status;
        if (done.getException() != null) {
            LOG.error("execution {} of job {} broke off: {}", row.id(), row.jobId(), done.getException().getMessage(),
                    done.getException());
            status = "FAILED";
        } else {
            status = context.hasFailed() ? "FAILED" : "SUCCESS";
        }
        store.finish(row.id(), status);
        LOG.debug("execution {} of job {} ended {}", row.id(), row.jobId(), status);
    }
}
