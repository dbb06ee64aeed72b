package io.caravan.job.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.StepCommon;
import io.caravan.job.step.StepCall;
import io.caravan.job.step.StepKind;
import io.caravan.job.step.StepKinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSchemaGeneratorTest {

    record EchoConfig(String message) {
    }

    record FetchConfig(
            @JsonProperty(required = true) @JsonPropertyDescription("Where to fetch from.") String url,
            Map<String, String> headers,
            Integer maxBytes) {
    }

    private static <C> StepKind<C> kind(String type, Class<C> config, String description) {
        return new StepKind<>() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Class<C> configType() {
                return config;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public Object run(C c, StepCall call) {
                return null;
            }
        };
    }

    private final ObjectNode schema = new JobSchemaGenerator().generate(new StepKinds(List.of(
            kind("echo", EchoConfig.class, "Returns its message."),
            kind("http.fetch", FetchConfig.class, "Fetches a URL."))));

    private JsonNode def(String name) {
        return schema.path("$defs").path(name);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void isADraft202012SchemaOfTheJob() {
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText()).isEqualTo(JobSchemaGenerator.SCHEMA_ID);
        assertThat(texts(schema.path("required"))).containsExactlyInAnyOrder("id", "steps");
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void jobIdHasThePattern() {
        assertThat(schema.at("/properties/id/pattern").asText()).isEqualTo(JobDefinition.ID_PATTERN);
    }

    @Test
    void stepsReferToTheStepDefinition() {
        assertThat(schema.at("/properties/steps/items/$ref").asText()).isEqualTo("#/$defs/step");
    }

    @Test
    void eachKindHasItsStepDefinitionWithCommonAndConfigProperties() {
        JsonNode fetch = def("step.http.fetch");
        assertThat(texts(propertyNames(fetch))).containsAll(StepCommon.FIELDS)
                .contains("url", "headers", "maxBytes")
                .doesNotContain("message");
        assertThat(fetch.at("/properties/url/description").asText()).isEqualTo("Where to fetch from.");
        assertThat(fetch.at("/properties/maxBytes/type").asText()).isEqualTo("integer");
        assertThat(texts(fetch.path("required"))).containsExactlyInAnyOrder("id", "type", "url");
        assertThat(fetch.path("description").asText()).isEqualTo("Fetches a URL.");

        JsonNode echo = def("step.echo");
        assertThat(texts(propertyNames(echo))).containsAll(StepCommon.FIELDS).contains("message")
                .doesNotContain("url");
    }

    @Test
    void stepDefinitionsForbidOtherPropertiesAndFixTheirType() {
        for (String type : List.of("echo", "http.fetch")) {
            JsonNode step = def("step." + type);
            assertThat(step.path("additionalProperties").isBoolean()).isTrue();
            assertThat(step.path("additionalProperties").asBoolean()).isFalse();
            assertThat(step.path("type").asText()).isEqualTo("object");
            assertThat(step.at("/properties/type")).isEqualTo(
                    new ObjectMapper().createObjectNode().put("const", type));
            assertThat(step.at("/properties/id/pattern").asText()).isEqualTo(StepCommon.ID_PATTERN);
        }
    }

    @Test
    void stepIsDiscriminatedByType() {
        JsonNode step = def("step");
        assertThat(texts(step.at("/properties/type/enum"))).containsExactly("echo", "http.fetch");
        assertThat(texts(step.path("required"))).containsExactly("id", "type");
        List<String> branches = new ArrayList<>();
        step.path("allOf").forEach(branch -> branches.add(
                branch.at("/if/properties/type/const").asText() + " -> " + branch.at("/then/$ref").asText()));
        assertThat(branches).containsExactly("echo -> #/$defs/step.echo", "http.fetch -> #/$defs/step.http.fetch");
    }

    @Test
    void triggersHaveTheirDefinitions() {
        JsonNode schedule = def("trigger.schedule");
        assertThat(schedule.isObject()).isTrue();
        assertThat(schedule.at("/properties/type/const").asText()).isEqualTo("schedule");
        assertThat(texts(schedule.path("required"))).contains("type", "cron");
        assertThat(schedule.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(def("trigger.webhook").isObject()).isTrue();
        assertThat(def("trigger.sftp").isObject()).isTrue();
        assertThat(texts(def("trigger").at("/properties/type/enum"))).containsExactly("schedule", "sftp", "webhook");
        assertThat(schema.at("/properties/triggers/items/$ref").asText()).isEqualTo("#/$defs/trigger");
    }

    @Test
    void paramsMayHoldAnyNameWithAParamSpec() {
        JsonNode params = schema.at("/properties/params");
        JsonNode spec = params.findValue("additionalProperties");
        assertThat(spec.isObject()).as("params must accept names, each with a ParamSpec").isTrue();
        assertThat(texts(spec.at("/properties/type/enum")))
                .containsExactly("string", "integer", "number", "boolean", "array", "object");
        assertThat(texts(spec.at("/properties/format/enum"))).contains("date", "date-time");
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(schema, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/$defs/");
            assertThat(def(ref.substring("#/$defs/".length())).isObject()).as(ref).isTrue();
        }
    }

    @Test
    void withoutKindsNoStepTypeIsAllowed() {
        ObjectNode empty = new JobSchemaGenerator().generate(new StepKinds(List.of()));
        assertThat(empty.at("/$defs/step/properties/type/enum").size()).isZero();
    }

    private static JsonNode propertyNames(JsonNode objectSchema) {
        ArrayNode names = JsonNodeFactory.instance.arrayNode();
        objectSchema.path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
