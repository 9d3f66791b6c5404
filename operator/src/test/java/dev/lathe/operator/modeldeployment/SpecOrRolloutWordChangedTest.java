package dev.lathe.operator.modeldeployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.RolloutAnnotations;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecOrRolloutWordChangedTest {

  private final SpecOrRolloutWordChanged filter = new SpecOrRolloutWordChanged();

  private static ModelDeployment md(long generation, Map<String, String> annotations) {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(
        new ObjectMetaBuilder()
            .withName("support-bot")
            .withGeneration(generation)
            .withAnnotations(annotations)
            .build());
    return md;
  }

  @Test
  void anApprovalWakesTheReconcilerThoughTheGenerationStays() {
    assertThat(
            filter.accept(
                md(3, Map.of(RolloutAnnotations.PROMOTE, "sha256:ab@0/pause")), md(3, Map.of())))
        .isTrue();
  }

  @Test
  void anAbortWakesTheReconciler() {
    assertThat(filter.accept(md(3, Map.of(RolloutAnnotations.ABORT, "sha256:ab")), md(3, Map.of())))
        .isTrue();
  }

  @Test
  void aNewSpecWakesTheReconciler() {
    assertThat(filter.accept(md(4, Map.of()), md(3, Map.of()))).isTrue();
  }

  @Test
  void theOperatorsOwnStatusWriteAndOtherAnnotationsWakeNothing() {
    ModelDeployment written = md(3, Map.of("argocd.argoproj.io/tracking-id", "x"));
    written.setStatus(new ModelDeploymentStatus());
    assertThat(filter.accept(written, md(3, Map.of()))).isFalse();
  }
}
