package io.caravan.job.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import io.caravan.job.model.JobDefinition;
import io.caravan.job.model.StepCommon;
import io.caravan.job.model.StepSpec;
import io.caravan.job.model.TriggerSpec;
import io.caravan.job.step.StepKind;
import io.caravan.job.step.StepKinds;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Produces the JSON Schema (draft 2020-12) of the whole job document from the model records and
 * the registered step kinds' config records: the one source of truth for the validator, the API
 * and the editor. Steps and triggers are discriminated by {@code type} with {@code if/then},
 * so a mistake is reported inside the step's own kind rather than as "matches no alternative".
 */
public final class JobSchemaGenerator {

    /** The schema's {@code $id}. */
    public static final String SCHEMA_ID = "https://caravan.dev/schema/job.json";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SchemaGenerator generator;

    public JobSchemaGenerator() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED,
                        JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE,
                        JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY, JacksonOption.SKIP_SUBTYPE_LOOKUP))
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES,
                        Option.INLINE_ALL_SCHEMAS)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        config.forTypesInGeneral().withCustomDefinitionProvider((type, context) -> {
            Class<?> erased = type.getErasedType();
            if (erased == StepSpec.class) {
                return new CustomDefinition(ref("step"), CustomDefinition.DefinitionType.INLINE,
                        CustomDefinition.AttributeInclusion.NO);
            }
            if (erased == TriggerSpec.class) {
                return new CustomDefinition(ref("trigger"), CustomDefinition.DefinitionType.INLINE,
                        CustomDefinition.AttributeInclusion.NO);
            }
            if (erased == JsonNode.class || erased == Object.class) {
                return new CustomDefinition(NODES.objectNode(), CustomDefinition.DefinitionType.INLINE,
                        CustomDefinition.AttributeInclusion.NO);
            }
            return null;
        });
        this.generator = new SchemaGenerator(config.build());
    }

    /** The schema of a job document whose steps may be of the given kinds. */
    public ObjectNode generate(StepKinds kinds) {
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", SchemaVersion.DRAFT_2020_12.getIdentifier());
        schema.put("$id", SCHEMA_ID);
        schema.put("title", "Caravan job");
        schema.put("description", "A job: parameters, triggers and ordered steps.");
        schema.setAll(generator.generateSchema(JobDefinition.class));
        property(schema, "id").put("pattern", JobDefinition.ID_PATTERN);
        property(schema, "namespace").put("pattern", io.caravan.job.model.Namespaces.PATTERN);
        ObjectNode defs = schema.putObject("$defs");
        defs.set("step", stepSchema(kinds, defs));
        defs.set("trigger", triggerSchema(defs));
        return schema;
    }

    private ObjectNode stepSchema(StepKinds kinds, ObjectNode defs) {
        ObjectNode common = generator.generateSchema(StepCommon.class);
        property(common, "id").put("pattern", StepCommon.ID_PATTERN);
        Map<String, ObjectNode> variants = new TreeMap<>();
        for (StepKind<?> kind : kinds.all()) {
            ObjectNode variant = generator.generateSchema(kind.configType());
            variant.put("description", kind.description());
            mergeInto(variant, common);
            property(variant, "type").removeAll().put("const", kind.type());
            variants.put(kind.type(), variant);
        }
        return discriminated("step", variants, common, defs);
    }

    private ObjectNode triggerSchema(ObjectNode defs) {
        Map<String, ObjectNode> variants = new TreeMap<>();
        TriggerSpec.KINDS.forEach((type, record) -> {
            ObjectNode variant = generator.generateSchema(record);
            ObjectNode properties = variant.with("properties");
            ObjectNode typed = NODES.objectNode().set("type", NODES.objectNode().put("const", type));
            typed.setAll(properties);
            variant.set("properties", typed);
            addRequired(variant, "type");
            variants.put(type, variant);
        });
        return discriminated("trigger", variants, null, defs);
    }

    /**
     * An object whose {@code type} picks one variant; each variant goes to {@code $defs} as
     * {@code <name>.<type>}.
     */
    private static ObjectNode discriminated(String name, Map<String, ObjectNode> variants, ObjectNode common,
            ObjectNode defs) {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        if (common != null) {
            properties.set("id", common.get("properties").get("id").deepCopy());
        }
        ArrayNode types = properties.putObject("type")
                .put("description", "The " + name + " kind.").putArray("enum");
        variants.keySet().forEach(types::add);
        ArrayNode required = schema.putArray("required");
        if (common != null) {
            required.add("id");
        }
        required.add("type");
        ArrayNode allOf = schema.putArray("allOf");
        variants.forEach((type, variant) -> {
            defs.set(name + "." + type, variant);
            ObjectNode branch = allOf.addObject();
            branch.putObject("if").put("type", "object").putArray("required").add("type");
            ((ObjectNode) branch.get("if")).putObject("properties").putObject("type").put("const", type);
            branch.set("then", ref(name + "." + type));
        });
        return schema;
    }

    private static void mergeInto(ObjectNode variant, ObjectNode common) {
        ObjectNode merged = common.get("properties").deepCopy();
        merged.setAll((ObjectNode) variant.with("properties"));
        variant.set("properties", merged);
        for (JsonNode r : common.path("required")) {
            addRequired(variant, r.asText());
        }
        variant.put("type", "object");
        variant.put("additionalProperties", false);
    }

    private static void addRequired(ObjectNode schema, String field) {
        ArrayNode required = schema.has("required") ? (ArrayNode) schema.get("required") : schema.putArray("required");
        for (Iterator<JsonNode> it = required.elements(); it.hasNext(); ) {
            if (it.next().asText().equals(field)) {
                return;
            }
        }
        required.insert(0, field);
    }

    private static ObjectNode property(ObjectNode schema, String name) {
        return (ObjectNode) schema.get("properties").get(name);
    }

    private static ObjectNode ref(String def) {
        return NODES.objectNode().put("$ref", "#/$defs/" + def);
    }
}
