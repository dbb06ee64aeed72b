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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /**
     * One declared parameter {@code p} and one given value: the problem at {@code $.params.p}, or
     * none (empty) and the value bound. {@code <none>} gives no value.
     */
    @ParameterizedTest(name = "{0} given {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"type": "string"}                                  | "x"                      |
            {"type": "string"}                                  | 5                        | must be a string
            {"type": "string", "required": true}                | <none>                   | is required
            {"type": "string", "default": "d"}                  | <none>                   |
            {"type": "integer"}                                 | 7                        |
            {"type": "integer"}                                 | 7.5                      | must be an integer
            {"type": "integer"}                                 | 7.0                      |
            {"type": "integer"}                                 | "7"                      | must be an integer
            {"type": "integer", "minimum": 1, "maximum": 10}    | 0                        | must be at least 1
            {"type": "integer", "minimum": 1, "maximum": 10}    | 11                       | must be at most 10
            {"type": "number", "maximum": 2.5}                  | 2.5                      |
            {"type": "number", "maximum": 2.5}                  | 2.51                     | must be at most 2.5
            {"type": "boolean"}                                 | true                     |
            {"type": "boolean"}                                 | "true"                   | must be a boolean
            {"type": "array"}                                   | [1, "a"]                 |
            {"type": "array"}                                   | {"a": 1}                 | must be an array
            {"type": "object"}                                  | {"a": [1]}               |
            {"type": "object"}                                  | [1]                      | must be an object
            {"type": "string", "enum": ["eu", "us"]}            | "us"                     |
            {"type": "string", "enum": ["eu", "us"]}            | "asia"                   | must be one of ["eu", "us"]
            {"type": "integer", "enum": [1, 2]}                 | 3                        | must be one of [1, 2]
            {"type": "string", "format": "date"}                | "2026-02-28"             |
            {"type": "string", "format": "date"}                | "2026-02-30"             | must be a date as yyyy-mm-dd
            {"type": "string", "format": "date"}                | "28.02.2026"             | must be a date as yyyy-mm-dd
            {"type": "string", "format": "date-time"}           | "2026-02-28T08:00:00Z"   |
            {"type": "string", "format": "date-time"}           | "2026-02-28T08:00:00+01:00" |
            {"type": "string", "format": "date-time"}           | "2026-02-28 08:00"       | must be a date and time with an offset, as 2026-01-31T08:00:00Z
            {"type": "string", "format": "email"}               | "ops@example.org"        |
            {"type": "string", "format": "email"}               | "ops at example.org"     | must be an e-mail address
            {"type": "string", "format": "email"}               | "ops@"                   | must be an e-mail address
            {"type": "string", "format": "uri"}                 | "sftp://host:22/in"      |
            {"type": "string", "format": "uri"}                 | "/relative/path"         | must be an absolute URI, as https://host/path
            {"type": "string", "format": "uri"}                 | "https://a b"            | must be an absolute URI, as https://host/path
            {"type": "string", "secret": true, "format": "email"} | "a-secret-value"       | must be an e-mail address
            """)
    void checksOneValueAgainstItsDeclaration(String declaration, String given, String problem) throws Exception {
        JobDefinition job = JSON.readValue("{\"id\": \"j\", \"params\": {\"p\": " + declaration + "},"
                + " \"steps\": [{\"id\": \"a\", \"type\": \"echo\"}]}", JobDefinition.class);
        Problems problems = new Problems();
        Map<String, Object> input = given.equals("<none>") ? Map.of() : Map.of("p", JSON.readValue(given, Object.class));
        Map<String, Object> bound = binder.bind(job, input, problems);
        if (problem == null) {
            assertThat(problems.list()).isEmpty();
            assertThat(bound).hasSize(job.params().get("p").defaultValue() == null && input.isEmpty() ? 0 : 1);
        } else {
            assertThat(problems.list()).extracting(Problem::path, Problem::message).containsExactly(tuple("$.params.p", problem));
            assertThat(bound).isEmpty();
            assertThat(problem).as("a value is never quoted back").doesNotContain("a-secret-value");
        }
    }

    @Test
    void declarationsThatCannotBeMetAreProblemsOfTheJob() throws Exception {
        JobDefinition job = JSON.readValue("""
            {"id": "j", "params": {
                "day": {"type": "string", "format": "date", "default": "tomorrow"},
                "n": {"type": "integer", "minimum": 5, "maximum": 1, "enum": [3, "x"]},
                "flag": {"type": "boolean", "format": "email", "secret": true},
                "who": {"type": "string", "required": true},
                "size": {"type": "string", "minimum": 1},
                "pin": {"type": "string", "secret": true, "default": "1234"},
                "zone": {"type": "string", "enum": ["eu", "us"], "default": "asia"},
                "key": {"type": "string", "secret": true},
                "owner": {"type": "string", "required": true, "default": null}},
             "triggers": [{"type": "webhook", "secret": "a-signing-secret-of-length"},
                          {"type": "schedule", "cron": "0 0 * * * ?", "params": {"who": 5, "day": "{{ trigger.scheduled_at }}", "x": 1,
                            "key": "k-1", "owner": "me"}},
                          {"type": "schedule", "cron": "0 0 * * * ?"}],
             "steps": [{"id": "a", "type": "echo"}]}""", JobDefinition.class);
        Problems problems = new Problems();
        binder.declarations(job, problems);
        assertThat(problems.list()).extracting(Problem::path, Problem::message).containsExactlyInAnyOrder(
                tuple("$.params.day.default", "must be a date as yyyy-mm-dd"),
                tuple("$.params.n.maximum", "is less than the minimum"),
                tuple("$.params.n.enum[0]", "must be at least 5"),
                tuple("$.params.n.enum[1]", "must be an integer"),
                tuple("$.params.flag.format", "applies to strings; 'flag' is a boolean"),
                tuple("$.params.flag.secret", "only a string parameter can be secret"),
                tuple("$.params.size.minimum", "applies to numbers; 'size' is a string"),
                tuple("$.params.pin.default", "a secret parameter has no default: its value is given when a run starts"),
                tuple("$.params.zone.default", "must be one of [\"eu\", \"us\"]"),
                tuple("$.triggers[0]", "this trigger gives no parameters, but 'who' is required and has no default"),
                tuple("$.triggers[0]", "this trigger gives no parameters, but 'owner' is required and has no default"),
                tuple("$.triggers[1].params.key", "is secret: a schedule cannot give it; read a stored secret"
                        + " ({{ secrets.<name> }}) in the steps instead"),
                tuple("$.triggers[1].params.who", "must be a string"),
                tuple("$.triggers[1].params.x", "is not a parameter of job 'j'"),
                tuple("$.triggers[2].params", "'who' is required and has no default; give it here"),
                tuple("$.triggers[2].params", "'owner' is required and has no default; give it here"));
    }
}
