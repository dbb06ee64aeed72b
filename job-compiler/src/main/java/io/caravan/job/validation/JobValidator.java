package io.caravan.job.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.caravan.job.expression.Expressions;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.schema.JobSchemaGenerator;
import io.caravan.job.step.StepKinds;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Validates a job document in two tiers — the generated JSON Schema, then what a schema cannot
 * see ({@link SemanticChecks}) — and reports every problem at once, each with its JSON path.
 */
public final class JobValidator {

    private final ObjectMapper json;
    private final ObjectNode schemaNode;
    private final JsonSchema schema;
    private final SemanticChecks semantics;
    private final io.caravan.job.params.ParamBinder params;
    private final SchemaMessages messages;

    public JobValidator(StepKinds kinds, Expressions expressions, ObjectMapper json) {
        this.json = json;
        this.schemaNode = new JobSchemaGenerator().generate(kinds);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_PATH)
                .locale(Locale.ENGLISH)
                .formatAssertionsEnabled(true)
                .build();
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode, config);
        this.semantics = new SemanticChecks(kinds, expressions, json);
        this.params = new io.caravan.job.params.ParamBinder(json);
        this.messages = new SchemaMessages(schemaNode);
    }

    /** The schema documents are validated against (a copy). */
    public ObjectNode schema() {
        return schemaNode.deepCopy();
    }

    /**
     * Every problem of a document, schema problems first.
     *
     * @param connections the names of the connections steps may use
     */
    public List<Problem> validate(JsonNode document, Set<String> connections) {
        Problems problems = new Problems();
        List<Problem> translated = schema.validate(document).stream().map(messages::translate)
                .distinct() // the same rule reached through two schema branches
                .sorted(Comparator.comparing((Problem p) -> PathOrder.key(p.path())).thenComparing(Problem::message))
                .toList();
        for (Problem p : translated) {
            problems.at(p.path().substring(1)).add("", p.message());
        }
        if (document != null && document.isObject()) {
            semantics.check((ObjectNode) document, connections, problems);
        }
        if (problems.isEmpty()) {
            try {
                params.declarations(json.treeToValue(document, JobDefinition.class), problems);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                problems.add("", "cannot be read: " + e.getMessage());
            }
        }
        return problems.list();
    }

    /**
     * Validates and reads a document.
     *
     * @throws JobInvalidException with every problem when it is not valid
     */
    public JobDefinition parse(JsonNode document, Set<String> connections) {
        List<Problem> problems = validate(document, connections);
        if (!problems.isEmpty()) {
            throw new JobInvalidException(problems);
        }
        try {
            return json.treeToValue(document, JobDefinition.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new JobInvalidException(List.of(new Problem("$", "cannot be read: " + e.getMessage())));
        }
    }
}
