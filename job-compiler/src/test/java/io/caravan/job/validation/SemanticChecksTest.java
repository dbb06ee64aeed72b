package io.caravan.job.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.job.expression.Expressions;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepKind;
import io.caravan.job.step.StepKinds;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the validator reports, schema tier and semantic tier, with exact paths. */
class SemanticChecksTest {

    record EchoConfig(String message, String connection, String query) {
    }

    /** A kind that, like sql, refuses {{ }} in its query. */
    static final class EchoKind implements StepKind<EchoConfig> {
        @Override
        public String type() {
            return "echo";
        }

        @Override
        public Class<EchoConfig> configType() {
            return EchoConfig.class;
        }

        @Override
        public String description() {
            return "Returns its message.";
        }

        @Override
        public void check(EchoConfig config, Problems problems) {
            if (config.query() != null && config.query().contains("{{")) {
                problems.add(".query", "must not contain {{ }}; pass values as parameters");
            }
        }

        @Override
        public Object run(EchoConfig config, StepCall call) {
            return Map.of("message", config.message());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CONNECTIONS = Set.of("warehouse", "partner");

    private final JobValidator validator =
            new JobValidator(new StepKinds(List.of(new EchoKind())), new Expressions(), JSON);

    private List<Problem> validate(String document) {
        try {
            return validator.validate(JSON.readTree(document), CONNECTIONS);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A job with the given params object and steps array. */
    private List<Problem> validateSteps(String params, String steps) {
        return validate("{\"id\": \"job\", \"params\": " + params + ", \"steps\": " + steps + "}");
    }

    private List<Problem> validateSteps(String steps) {
        return validateSteps("{}", steps);
    }

    private static void assertOnly(List<Problem> problems, String path, String messagePart) {
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path()).isEqualTo(path);
        assertThat(problems.get(0).message()).contains(messagePart);
    }

    @Test
    void aCorrectJobHasNoProblem() {
        String job = """
            {"id": "nightly-orders", "name": "Nightly",
             "params": {"date": {"type": "string", "format": "date", "required": true, "default": "2026-01-01"},
                        "limit": {"type": "integer", "default": 1000, "minimum": 1}},
             "triggers": [{"type": "schedule", "cron": "0 0 2 * * ?", "params": {"date": "{{ trigger.date }}"}},
                          {"type": "webhook", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "rateLimit": {"requests": 100, "per": "PT1M"}}],
             "timeout": "PT30M",
             "defaults": {"retry": {"attempts": 3, "delay": "PT2S", "multiplier": 2}, "timeout": "PT1M"},
             "steps": [
               {"id": "orders", "type": "echo", "message": "{{ params.date }} {{ secrets.token }}"},
               {"id": "save", "type": "echo", "connection": "warehouse",
                "forEach": "{{ steps.orders.output.items }}", "message": "{{ item.id }} #{{ index }}",
                "query": "insert into t values (:id)"},
               {"id": "report", "type": "echo", "when": "{{ steps.orders.output.items.size() > 0 }}",
                "connection": "{{ params.date }}", "timeout": "PT5M", "retry": {"delay": "PT1S"},
                "message": "{{ size(steps.save.output) }} of {{ params.limit ?: 0 }}"}
             ]}
            """;
        assertThat(validate(job)).isEmpty();
    }

    @Test
    void parseReadsAValidJob() throws Exception {
        JobDefinition job = validator.parse(JSON.readTree(
                "{\"id\": \"j\", \"steps\": [{\"id\": \"a\", \"type\": \"echo\", \"message\": \"hi\"}]}"), CONNECTIONS);
        assertThat(job.id()).isEqualTo("j");
        assertThat(job.steps()).singleElement().satisfies(s -> assertThat(s.config().path("message").asText())
                .isEqualTo("hi"));
    }

    @Test
    void parseRefusesAnInvalidJobWithEveryProblem() {
        assertThatThrownBy(() -> validator.parse(JSON.readTree(
                "{\"id\": \"j\", \"steps\": [{\"id\": \"a\", \"type\": \"echo\"}, {\"id\": \"a\", \"type\": \"echo\"}]}"),
                CONNECTIONS))
                .isInstanceOfSatisfying(JobInvalidException.class, e -> assertThat(e.problems())
                        .extracting(Problem::path).containsExactly("$.steps[1].id"))
                .hasMessageContaining("$.steps[1].id duplicate step id 'a'");
    }

    // --- semantic tier ------------------------------------------------------------------------

    @Test
    void nulCharacterAnywhereInTheDocumentIsReportedAtItsPath() {
        List<Problem> problems = validate("""
            {"id": "job", "name": "a\\u0000b", "tags": ["x", "y\\u0000"],
             "steps": [{"id": "a", "type": "echo", "message": "hi\\u0000{{ params.x ?: 1 }}",
                        "query": "select 1"}]}""");
        assertThat(problems).extracting(Problem::path, Problem::message).contains(
                tuple("$.name", "contains the NUL character (\\u0000), which cannot be stored; remove it"),
                tuple("$.tags[1]", "contains the NUL character (\\u0000), which cannot be stored; remove it"),
                tuple("$.steps[0].message", "contains the NUL character (\\u0000), which cannot be stored; remove it"));
    }

    @Test
    void nulCharacterInAFieldNameIsReported() {
        List<Problem> problems = validateSteps("""
            [{"id": "a", "type": "echo", "message": {"k\\u0000": "v"}}]""");
        assertThat(problems).extracting(Problem::path, Problem::message).contains(
                tuple("$.steps[0].message", "has a field name with the NUL character (\\u0000), which cannot be stored;"
                        + " remove it"));
    }

    @Test
    void duplicateStepId() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo"}, {"id": "a", "type": "echo"}]"""),
                "$.steps[1].id", "duplicate step id 'a' (first used at $.steps[0])");
    }

    @Test
    void referenceToALaterStep() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "message": "{{ steps.b.output }}"}, {"id": "b", "type": "echo"}]"""),
                "$.steps[0].message", "expression 'steps.b.output' reads step 'b', which does not run before this step");
    }

    @Test
    void referenceToItself() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "message": "x {{ steps.a.status }}"}]"""),
                "$.steps[0].message", "reads step 'a' itself");
    }

    @Test
    void referenceToAnUnknownStep() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo"}, {"id": "b", "type": "echo", "message": "{{ steps['zz'].output }}"}]"""),
                "$.steps[1].message", "reads step 'zz', which does not run before this step");
    }

    @Test
    void undeclaredParameter() {
        assertOnly(validateSteps("{\"date\": {\"type\": \"string\"}}", """
            [{"id": "a", "type": "echo", "message": "{{ params.date }}/{{ params.dat }}"}]"""),
                "$.steps[0].message", "reads parameter 'dat', which the job does not declare");
    }

    @Test
    void unknownExpressionRoot() {
        List<Problem> problems = validateSteps("""
            [{"id": "a", "type": "echo", "message": "{{ java.lang.Runtime.getRuntime() }}"}]""");
        assertOnly(problems, "$.steps[0].message", "reads unknown name 'java'; expressions read connections, execution");
    }

    @Test
    void itemOutsideForEach() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "message": "{{ item.id }}"}]"""),
                "$.steps[0].message", "reads 'item', which only a step with forEach has");
    }

    @Test
    void indexOutsideForEach() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "message": "{{ index }}"}]"""),
                "$.steps[0].message", "reads 'index', which only a step with forEach has");
    }

    @Test
    void forEachCannotReadItsOwnItem() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "forEach": "{{ item }}", "message": "{{ item }}"}]"""),
                "$.steps[0].forEach", "reads 'item', which only a step with forEach has");
    }

    @Test
    void badSyntax() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "message": "{{ params.x + }}"}]"""),
                "$.steps[0].message", "invalid expression 'params.x +': parsing error");
    }

    @Test
    void forbiddenSyntaxIsAnInvalidExpression() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "message": "{{ new('java.lang.ProcessBuilder', 'id') }}"}]"""),
                "$.steps[0].message", "invalid expression 'new('java.lang.ProcessBuilder', 'id')'");
    }

    @Test
    void expressionsInsideNestedConfigAreCheckedWithTheirPath() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "retry": {"retryOn": ["x", "{{ nope }}"]}}]"""),
                "$.steps[0].retry.retryOn[1]", "reads unknown name 'nope'");
    }

    @Test
    void whenMustBeOneWholeExpression() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "when": "yes {{ true }}"}]"""),
                "$.steps[0].when", "must be one expression written {{ ... }}, got 'yes {{ true }}'");
    }

    @Test
    void badDuration() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "timeout": "PT-nonsense"}]"""),
                "$.steps[0].timeout", "'PT-nonsense' is not an ISO-8601 duration such as PT30S or PT5M");
    }

    @Test
    void durationMustBePositive() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "retry": {"delay": "PT-5S"}}]"""),
                "$.steps[0].retry.delay", "must be a positive duration, got 'PT-5S'");
    }

    @Test
    void jobLevelDurations() {
        List<Problem> problems = validate("""
            {"id": "j", "timeout": "30 minutes", "defaults": {"timeout": "PT0S", "retry": {"maxDelay": "1h"}},
             "steps": [{"id": "a", "type": "echo"}]}""");
        assertThat(problems).extracting(Problem::path)
                .containsExactly("$.timeout", "$.defaults.timeout", "$.defaults.retry.maxDelay");
    }

    @Test
    void unknownConnection() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "connection": "warehose"}]"""),
                "$.steps[0].connection", "unknown connection 'warehose'; known: partner, warehouse");
    }

    @Test
    void kindCheckReportsUnderTheStep() {
        assertOnly(validateSteps("{\"id\": {\"type\": \"integer\"}}", """
            [{"id": "a", "type": "echo", "query": "select * from t where id = {{ params.id }}"}]"""),
                "$.steps[0].query", "must not contain {{ }}");
    }

    @Test
    void emptyStepList() {
        assertOnly(validateSteps("[]"), "$.steps", "a job needs at least one step");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<Problem> problems = validateSteps("""
            [{"id": "a", "type": "echo", "message": "{{ steps.b.output }}", "timeout": "soon"},
             {"id": "b", "type": "echo", "connection": "nope", "when": "{{ item }}"},
             {"id": "a", "type": "echo", "query": "{{ params.q }}"}]""");
        assertThat(problems).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.steps[0].message",
                        "expression 'steps.b.output' reads step 'b', which does not run before this step"),
                tuple("$.steps[0].timeout", "'soon' is not an ISO-8601 duration such as PT30S or PT5M"),
                tuple("$.steps[1].when", "expression 'item' reads 'item', which only a step with forEach has"),
                tuple("$.steps[1].connection", "unknown connection 'nope'; known: partner, warehouse"),
                tuple("$.steps[2].id", "duplicate step id 'a' (first used at $.steps[0])"),
                tuple("$.steps[2].query", "expression 'params.q' reads parameter 'q', which the job does not declare"),
                tuple("$.steps[2].query", "must not contain {{ }}; pass values as parameters"));
    }

    // --- schema tier --------------------------------------------------------------------------

    @Test
    void unknownStepTypeIsOneProblemNamingTheKnownTypes() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "ecko"}]"""),
                "$.steps[0].type", "unknown step type \"ecko\"; known: echo");
    }

    @Test
    void unknownPropertyInsideAStepIsReportedAtThatProperty() {
        List<Problem> problems = validateSteps("""
            [{"id": "a", "type": "echo", "extra": "hi"}]""");
        assertOnly(problems, "$.steps[0].extra", "is not a field of an echo step");
        assertThat(problems.get(0).message()).doesNotContain("did you mean");
    }

    @Test
    void misspelledPropertySuggestsTheNearestField() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "mesage": "hi"}]"""),
                "$.steps[0].mesage", "is not a field of an echo step; did you mean 'message'?");
    }

    @Test
    void misspelledPropertyInsideANestedObjectSuggestsFromThatObject() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "retry": {"delaay": "PT1S"}}]"""),
                "$.steps[0].retry.delaay", "is not a field of 'retry' of an echo step; did you mean 'delay'?");
    }

    @Test
    void wrongTypeOfAStepProperty() {
        assertOnly(validateSteps("""
            [{"id": "a", "type": "echo", "continueOnError": "yes"}]"""),
                "$.steps[0].continueOnError", "must be a boolean, got a string");
    }

    @Test
    void aStepThatIsNotAnObject() {
        assertOnly(validateSteps("[\"a\"]"), "$.steps[0]", "must be an object, got a string");
    }

    @Test
    void missingSteps() {
        assertOnly(validate("{\"id\": \"job\"}"), "$.steps", "is required in the job");
    }

    @Test
    void missingStepIdIsReportedOnceAtTheId() {
        assertOnly(validateSteps("[{\"type\": \"echo\"}]"), "$.steps[0].id", "is required in an echo step");
    }

    @Test
    void missingStepTypeIsReportedAtTheType() {
        assertOnly(validateSteps("[{\"id\": \"a\"}]"), "$.steps[0].type", "is required in a step");
    }

    @Test
    void jobIdPattern() {
        assertOnly(validate("{\"id\": \"Nightly_Orders\", \"steps\": [{\"id\": \"a\", \"type\": \"echo\"}]}"),
                "$.id", "must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit,"
                        + " got \"Nightly_Orders\"");
    }

    @Test
    void stepIdPattern() {
        assertOnly(validateSteps("[{\"id\": \"1st step\", \"type\": \"echo\"}]"),
                "$.steps[0].id", "must be 1 to 63 letters, digits or '_', starting with a letter or '_'"
                        + " (so that expressions can read steps.<id>), got \"1st step\"");
    }

    @Test
    void stepIdMayNotContainADash() {
        assertOnly(validateSteps("[{\"id\": \"fetch-orders\", \"type\": \"echo\"}]"),
                "$.steps[0].id", "must be 1 to 63 letters, digits or '_', starting with a letter or '_'"
                        + " (so that expressions can read steps.<id>), got \"fetch-orders\"");
        assertThat(validateSteps("[{\"id\": \"fetch_orders\", \"type\": \"echo\"}]")).isEmpty();
    }

    @Test
    void unknownTopLevelProperty() {
        assertOnly(validate("{\"id\": \"j\", \"step\": [], \"steps\": [{\"id\": \"a\", \"type\": \"echo\"}]}"),
                "$.step", "is not a field of the job; did you mean 'steps'?");
    }

    @Test
    void noSuggestionForANameFarFromEveryField() {
        List<Problem> problems =
                validate("{\"id\": \"j\", \"x\": 1, \"steps\": [{\"id\": \"a\", \"type\": \"echo\"}]}");
        assertOnly(problems, "$.x", "is not a field of the job");
        assertThat(problems.get(0).message()).isEqualTo("is not a field of the job"); // no "did you mean 'id'?"
    }

    @Test
    void declaredParamsAreAcceptedAndTheirSpecIsChecked() {
        assertThat(validateSteps("{\"date\": {\"type\": \"string\", \"required\": true}}",
                "[{\"id\": \"a\", \"type\": \"echo\", \"message\": \"{{ params.date }}\"}]")).isEmpty();
        assertOnly(validateSteps("{\"date\": {\"type\": \"text\"}}", "[{\"id\": \"a\", \"type\": \"echo\"}]"),
                "$.params.date.type", "must be one of string, integer, number, boolean, array, object, got \"text\"");
    }

    @Test
    void triggerProblemIsReportedInsideItsOwnKind() {
        assertOnly(validate("""
            {"id": "j", "triggers": [{"type": "schedule", "timezone": "UTC"}],
             "steps": [{"id": "a", "type": "echo"}]}"""),
                "$.triggers[0].cron", "is required in a schedule trigger");
        assertOnly(validate("""
            {"id": "j", "triggers": [{"type": "cron", "cron": "0 0 1 * * ?"}],
             "steps": [{"id": "a", "type": "echo"}]}"""),
                "$.triggers[0].type", "unknown trigger type \"cron\"; known: schedule, sftp, webhook");
    }

    @Test
    void schemaProblemsComeBeforeSemanticOnes() {
        List<Problem> problems = validateSteps("""
            [{"id": "a", "type": "echo", "message": "{{ nope }}"}, {"id": "b", "type": "echo", "extra": 1}]""");
        assertThat(problems).extracting(Problem::path).containsExactly("$.steps[1].extra", "$.steps[0].message");
    }

    @Test
    void schemaProblemsAreInDocumentOrder() {
        StringBuilder steps = new StringBuilder("[");
        for (int i = 0; i < 11; i++) {
            steps.append(i == 0 ? "" : ", ").append("{\"id\": \"s").append(i).append("\", \"type\": \"echo\"")
                    .append(i == 2 || i == 10 ? ", \"extra\": 1" : "").append("}");
        }
        assertThat(validateSteps(steps.append("]").toString())).extracting(Problem::path)
                .containsExactly("$.steps[2].extra", "$.steps[10].extra");
    }

    @Test
    void unclosedPlaceholder() {
        assertOnly(validateSteps("{\"x\": {\"type\": \"string\"}}", """
            [{"id": "a", "type": "echo", "message": "n {{ params.x "}]"""),
                "$.steps[0].message", "has a '{{' without its '}}'");
    }

    @Test
    void aDocumentThatIsNotAnObject() throws Exception {
        JsonNode array = JSON.readTree("[]");
        assertThat(validator.validate(array, CONNECTIONS)).extracting(Problem::path).containsExactly("$");
    }
}
