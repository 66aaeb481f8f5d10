package org.adanspark.spark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of docs/ARCHITECTURE.md ("Packages"), checked on the compiled main classes:
 * dependencies point one way — entry points ({@code cli}, {@code ml}) → {@code run} → the two executions
 * ({@code jobs}, {@code barrier}) → the step core ({@code step}) → the foundations (the compute-backend port
 * {@code model}, {@code checkpoint}, {@code data}, {@code config}, {@code metrics}, {@code runtime},
 * {@code error}) — with no package cycle, the executions apart from each other, and DL4J behind the port.
 */
class ArchitectureTest {

    private static final String ROOT = "org.adanspark.spark";
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void dependenciesPointDownTheLayers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("entry").definedBy(ROOT + ".cli..", ROOT + ".ml..")
                .layer("run").definedBy(ROOT + ".run..")
                .layer("executions").definedBy(ROOT + ".jobs..", ROOT + ".barrier..")
                .layer("step").definedBy(ROOT + ".step..")
                .layer("backend").definedBy(ROOT + ".model.*..") // every backend, the ones to come included
                .layer("foundations").definedBy(ROOT + ".model", ROOT + ".checkpoint..", ROOT + ".data..",
                        ROOT + ".config..", ROOT + ".metrics..", ROOT + ".runtime..", ROOT + ".error..")
                .whereLayer("entry").mayNotBeAccessedByAnyLayer()
                .whereLayer("run").mayOnlyBeAccessedByLayers("entry")
                .whereLayer("executions").mayOnlyBeAccessedByLayers("run")
                .whereLayer("step").mayOnlyBeAccessedByLayers("executions", "run", "entry")
                .whereLayer("backend").mayNotBeAccessedByAnyLayer()
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theExecutionsDoNotKnowEachOther() {
        noClasses().that().resideInAPackage(ROOT + ".jobs..").should().dependOnClassesThat()
                .resideInAPackage(ROOT + ".barrier..").check(classes);
        noClasses().that().resideInAPackage(ROOT + ".barrier..").should().dependOnClassesThat()
                .resideInAPackage(ROOT + ".jobs..").check(classes);
    }

    @Test
    void onlyTheDl4jBackendNamesDl4jOrNd4j() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".model.dl4j..")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeplearning4j..", "org.nd4j..", "org.bytedeco..")
                .check(classes);
    }

    @Test
    void onlyThePyTorchBackendNamesDjl() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".model.torch..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..").check(classes);
    }

    @Test
    void theBackendsDoNotKnowEachOther() {
        slices().matching(ROOT + ".model.(*)..").should().notDependOnEachOther().check(classes);
    }

    @Test
    void noClassOfOursLivesInAnotherLibrarysPackage() {
        noClasses().should().resideOutsideOfPackage("org.adanspark..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(location -> location.contains("/adan-spark/target/classes/"))
                        .importPackages("org"));
    }
}
