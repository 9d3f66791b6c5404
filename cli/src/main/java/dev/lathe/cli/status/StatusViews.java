package dev.lathe.cli.status;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Instant;

/** Picks the view of a resource by its kind. */
final class StatusViews {

  private StatusViews() {}

  static Class<? extends CustomResource<?, ?>> typeOf(ResourceRef.Kind kind) {
    return switch (kind) {
      case FINE_TUNE_JOB -> FineTuneJob.class;
      case MODEL_VERSION -> ModelVersion.class;
      case MODEL_DEPLOYMENT -> ModelDeployment.class;
    };
  }

  static String render(CustomResource<?, ?> resource, Instant now) {
    if (resource instanceof FineTuneJob job) {
      return FineTuneJobView.render(job, now);
    }
    if (resource instanceof ModelVersion version) {
      return ModelVersionView.render(version, now);
    }
    if (resource instanceof ModelDeployment deployment) {
      return ModelDeploymentView.render(deployment, now);
    }
    throw new IllegalArgumentException("no view for " + resource.getKind());
  }
}
