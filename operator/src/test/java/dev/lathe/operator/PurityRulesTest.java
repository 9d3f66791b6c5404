package dev.lathe.operator;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.operator.purity.ImpureExampleDecision;
import dev.lathe.operator.rollout.GateRequest;
import dev.lathe.operator.rollout.RolloutGate;
import dev.lathe.operator.status.ConditionWriter;
import dev.lathe.operator.status.EventRecorder;
import dev.lathe.operator.status.OwnWrites;
import dev.lathe.operator.status.Plan;
import dev.lathe.operator.status.StatusReport;
import dev.lathe.operator.storage.OperatorStorage;
import dev.lathe.operator.training.ProgressReader;
import io.fabric8.kubernetes.client.CustomResource;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The build-time rule that keeps decisions and builders pure (DESIGN.md §4, reconcile shape):
 * classes named *Decision, *Builder, *Snapshot, *Step, *Outcome, *Check, and the plan and condition
 * writer they use, and the evaluation gate ({@code rollout.gate}), depend on no Kubernetes client,
 * no JOSDK, no storage, no signing key, no file or network I/O. Observers and *Actions classes are
 * where I/O lives.
 */
class PurityRulesTest {

  static final DescribedPredicate<JavaClass> PURE =
      simpleNameEndingWith("Decision")
          .or(simpleNameEndingWith("Builder"))
          .or(simpleNameEndingWith("Snapshot"))
          .or(simpleNameEndingWith("Step"))
          .or(simpleNameEndingWith("Outcome"))
          .or(simpleNameEndingWith("Check"))
          .or(simpleNameEndingWith("Ledger"))
          .or(belongToAnyOf(ConditionWriter.class, Plan.class))
          // The evaluation gate behind RolloutGate (arithmetic, Job, report reading) and the
          // HTTPRoute weights' apply configuration and read-back.
          .or(
              resideInAnyPackage(
                  "dev.lathe.operator.rollout.gate..", "dev.lathe.operator.rollout.traffic.."))
          .or(belongToAnyOf(RolloutGate.class, GateRequest.class))
          .as("decisions, builders, snapshots, steps, the condition writer and the gate");

  static final DescribedPredicate<JavaClass> IO =
      resideInAnyPackage(
              "io.fabric8.kubernetes.client..",
              "io.javaoperatorsdk..",
              "software.amazon..",
              "java.net.http..",
              "dev.lathe.operator.signing..")
          .and(not(belongToAnyOf(CustomResource.class)))
          .or(
              belongToAnyOf(
                  OperatorStorage.class,
                  ArtifactStore.class,
                  EventRecorder.class,
                  StatusReport.class,
                  OwnWrites.class,
                  ProgressReader.class,
                  Files.class))
          .as("a client, JOSDK, storage, signing keys or file and network I/O");

  static final ArchRule DECISIONS_ARE_PURE =
      noClasses().that(PURE).should().dependOnClassesThat(IO);

  @Test
  void decisionsAndBuildersImportNoClientStorageOrIo() {
    JavaClasses operator =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.lathe.operator");
    assertThat(operator.stream().filter(PURE::test).count()).isGreaterThan(15);

    DECISIONS_ARE_PURE.check(operator);
  }

  @Test
  void aDecisionThatReachesForTheClientBreaksTheRule() {
    JavaClasses impure = new ClassFileImporter().importClasses(ImpureExampleDecision.class);

    assertThat(DECISIONS_ARE_PURE.evaluate(impure).hasViolation()).isTrue();
  }
}
