package io.caravan.job.compiler;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** One {@link ProducerTemplate} per CamelContext for all steps: it caches producers per endpoint. */
final class SharedProducer {

    static final String BEAN = "caravan-step-producer";

    private SharedProducer() {
    }

    static ProducerTemplate of(CamelContext camel) {
        ProducerTemplate producer = camel.getRegistry().lookupByNameAndType(BEAN, ProducerTemplate.class);
        if (producer != null) {
            return producer;
        }
        synchronized (camel) {
            producer = camel.getRegistry().lookupByNameAndType(BEAN, ProducerTemplate.class);
            if (producer == null) {
                producer = camel.createProducerTemplate(1000);
                camel.getRegistry().bind(BEAN, ProducerTemplate.class, producer);
            }
            return producer;
        }
    }
}
