package io.caravan.job.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.validation.Problem;
import io.caravan.job.validation.Problems;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamBinderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ParamBinder binder = new ParamBinder(JSON);

    private static JobDefinition job() throws Exception {
        return JSON.readValue("""
            {"id": "j", "params": {"name": {"type": "string"}, "tags": {"type": "array"},
                                   "limit": {"type": "integer", "default": 10}},
             "steps": [{"id": "a", "type": "echo"}]}""", JobDefinition.class);
    }

    @Test
    void bindsGivenValuesAndDefaults() throws Exception {
        Problems problems = new Problems();
        Map<String, Object> bound = binder.bind(job(), Map.of("name", "ok"), problems);
        assertThat(problems.isEmpty()).isTrue();
        assertThat(bound).isEqualTo(Map.of("name", "ok", "limit", 10));
    }

    @Test
    void refusesTheNulCharacterInTextValues() throws Exception {
        Problems problems = new Problems();
        Map<String, Object> bound = binder.bind(job(),
                Map.of("name", "a\0b", "tags", List.of("ok", Map.of("k", "v\0"))), problems);
        assertThat(problems.list()).extracting(Problem::path, Problem::message).containsExactlyInAnyOrder(
                tuple("$.params.name", "must not contain the NUL character (\\u0000)"),
                tuple("$.params.tags", "must not contain the NUL character (\\u0000)"));
        assertThat(bound).doesNotContainKeys("name", "tags");
    }
}
