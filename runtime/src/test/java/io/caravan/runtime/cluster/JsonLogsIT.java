package io.caravan.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node started with {@code CARAVAN_LOG_FORMAT=json} writes one JSON object per line, and what
 * it logs while running an execution names the execution, its job, the step and the node.
 */
class JsonLogsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final Cluster cluster = new Cluster("JsonLogsIT");

    @Test
    void everyLineIsJsonAndAStepsLinesCarryTheExecutionStepJobAndNode() throws Exception {
        cluster.start(1, Map.of("CARAVAN_LOG_FORMAT", "json", "CARAVAN_WORKERS", "2"));
        NodeProcess node = cluster.node(0);
        node.createJob("""
                {"id": "loud", "steps": [{"id": "say", "type": "log", "message": "hello from a step"}]}""");
        String id = node.run("loud", null);
        assertThat(node.awaitEnd(id, Duration.ofSeconds(30)).path("status").asText()).isEqualTo("SUCCESS");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : node.logText().split("\n")) {
            if (!line.isBlank() && !line.startsWith("===== [cluster harness]")) { // the harness's own markers
                lines.add(JSON.readTree(line)); // throws on a line that is not JSON
            }
        }
        assertThat(lines).allMatch(l -> l.has("time") && l.has("level") && l.has("message"));
        JsonNode said = lines.stream().filter(l -> l.path("message").asText().contains("hello from a step"))
                .findFirst().orElseThrow();
        assertThat(said.path("execution_id").asText()).isEqualTo(id);
        assertThat(said.path("job_id").asText()).isEqualTo("loud");
        assertThat(said.path("step_id").asText()).isEqualTo("say");
        assertThat(said.path("node").asText()).isEqualTo(node.nodeId());
    }
}
