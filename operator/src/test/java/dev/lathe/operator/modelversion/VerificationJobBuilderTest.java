package dev.lathe.operator.modelversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.artifact.contract.TrainerEnvironment;
import dev.lathe.artifact.contract.VerifyPlan;
import dev.lathe.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerificationJobBuilderTest {

  private static final String DIGEST = "sha256:" + "c".repeat(64);

  @Test
  void theVerifyPlanReadsBackThroughTheVerifyStepsReaderPinnedToTheSignedDigest() {
    ModelVersion version = Fixtures.baseModel("llama");

    Container verify =
        VerificationJobBuilder.build(version, "trainer:1", "PEM", DIGEST)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    VerifyPlan plan = VerifyPlan.fromJson(value(verify, TrainerEnvironment.VERIFY_PLAN));

    assertThat(verify.getArgs()).containsExactly("verify");
    assertThat(plan.namespace()).isEqualTo(version.getMetadata().getNamespace());
    assertThat(plan.address().uri()).isEqualTo("s3://models/llama");
    assertThat(plan.expectedDigest()).contains(DIGEST);
    assertThat(value(verify, TrainerEnvironment.TRUSTED_KEYS)).isEqualTo("PEM");
  }

  @Test
  void aPlanWithoutAPinnedDigestLeavesTheDigestToTheSignature() {
    Container verify =
        VerificationJobBuilder.build(Fixtures.baseModel("llama"), "trainer:1", "PEM", null)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(VerifyPlan.fromJson(value(verify, TrainerEnvironment.VERIFY_PLAN)).expectedDigest())
        .isEqualTo(Optional.empty());
  }

  private static String value(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }
}
