package io.caravan.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.caravan.job.schema.JobSchemaGenerator;
import io.caravan.job.step.StepKind;
import io.caravan.job.step.StepKinds;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every step kind written in connectors is registered for ServiceLoader and has its schema. */
class StepKindRegistrationTest {

    @Test
    void everyStepKindClassIsRegisteredAndInTheSchema() {
        Set<String> written = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.caravan.connectors").stream()
                .filter(c -> c.isAssignableTo(StepKind.class) && !c.isInterface()
                        && !c.getModifiers().contains(JavaModifier.ABSTRACT))
                .map(JavaClass::getName).collect(Collectors.toSet());
        StepKinds registered = StepKinds.load();

        assertThat(written).isNotEmpty();
        assertThat(registered.all().stream().map(k -> k.getClass().getName()).collect(Collectors.toSet()))
                .as("META-INF/services/io.caravan.job.step.StepKind lists every kind class")
                .isEqualTo(written);
        var defs = new JobSchemaGenerator().generate(registered).get("$defs");
        registered.all().forEach(kind -> assertThat(defs.has("step." + kind.type())).as(kind.type()).isTrue());
    }
}
