package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.RolloutAnnotations;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which updates of a ModelDeployment wake its reconciler: a new spec (generation), a deletion, or a
 * person's word on the rollout — the approval or abort annotation that `kubectl lathe promote` and
 * `abort` write. Annotations do not change the generation, so generation-aware event processing
 * alone would leave an approval unread until the next scheduled reconcile (a pause without duration
 * has none); this operator's own status writes still wake nothing.
 */
public final class SpecOrRolloutWordChanged implements OnUpdateFilter<ModelDeployment> {

  @Override
  public boolean accept(ModelDeployment updated, ModelDeployment before) {
    return generation(updated) > generation(before)
        || updated.isMarkedForDeletion()
        || !Objects.equals(
            word(updated, RolloutAnnotations.PROMOTE), word(before, RolloutAnnotations.PROMOTE))
        || !Objects.equals(
            word(updated, RolloutAnnotations.ABORT), word(before, RolloutAnnotations.ABORT));
  }

  private static long generation(ModelDeployment md) {
    return Optional.ofNullable(md.getMetadata().getGeneration()).orElse(0L);
  }

  private static String word(ModelDeployment md, String annotation) {
    Map<String, String> annotations = md.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(annotation);
  }
}
