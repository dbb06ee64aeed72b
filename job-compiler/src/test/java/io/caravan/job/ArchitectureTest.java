package io.caravan.job;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §1: runtime -> connectors -> job-compiler; job-compiler knows no database, no S3, no HTTP
 * server. Plain JUnit tests rather than {@code @ArchTest} fields, which Surefire 3.5.3 silently
 * skips (TNG/ArchUnit#1442).
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.caravan.job");
    }

    @Test
    void rulesSeeTheMainClassesAndNoTest() {
        assertThat(classes.contain("io.caravan.job.compiler.JobCompiler")).isTrue();
        assertThat(classes.contain("io.caravan.job.expression.Expressions")).isTrue();
        assertThat(classes.stream().map(c -> c.getSimpleName())).noneMatch(name -> name.endsWith("Test"));
    }

    @Test
    void jobCompilerDependsOnNoOuterModule() {
        noClasses().that().resideInAPackage("io.caravan.job..")
                .should().dependOnClassesThat().resideInAnyPackage("io.caravan.connectors..", "io.caravan.runtime..")
                .because("the dependency direction is runtime -> connectors -> job-compiler")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void jobCompilerKnowsNoDatabase() {
        noClasses().that().resideInAPackage("io.caravan.job..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.postgresql..",
                        "org.flywaydb..", "com.zaxxer.hikari..")
                .because("job-compiler knows no database")
                .check(classes);
    }

    @Test
    void jobCompilerKnowsNoObjectStoreNorHttpServer() {
        noClasses().that().resideInAPackage("io.caravan.job..")
                .should().dependOnClassesThat().resideInAnyPackage("io.minio..", "software.amazon..", "io.vertx..",
                        "org.eclipse.jetty..", "io.undertow..")
                .because("job-compiler knows no S3 and no HTTP server")
                .check(classes);
    }

    @Test
    void modelAndExpressionsHaveNoCamel() {
        noClasses().that().resideInAnyPackage("io.caravan.job.model..", "io.caravan.job.expression..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.camel..")
                .because("the job model is pure data; only the compiler turns it into Camel routes")
                .check(classes);
    }

    @Test
    void expressionsUseNoReflection() {
        noClasses().that().resideInAPackage("io.caravan.job.expression..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.reflect..")
                .because("what expressions can reach is decided by the JEXL sandbox alone")
                .check(classes);
    }
}
