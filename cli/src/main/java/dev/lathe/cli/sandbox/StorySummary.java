package dev.lathe.cli.sandbox;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ConditionedStatus;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the story left in the cluster, each Lathe resource of the namespace with its conditions, as
 * {@code kubectl get lathe} would answer: the record a CI log keeps after {@code --exit}.
 */
final class StorySummary {

  private StorySummary() {}

  static void print(KubernetesClient client, Narrator narrator) {
    narrator.phase("what the story left in namespace " + StoryContext.NAMESPACE + ":");
    for (Class<? extends CustomResource<?, ?>> type :
        List.of(FineTuneJob.class, ModelVersion.class, ModelDeployment.class)) {
      for (CustomResource<?, ?> resource :
          client.resources(type).inNamespace(StoryContext.NAMESPACE).list().getItems()) {
        narrator.detail(
            resource.getKind()
                + " "
                + resource.getMetadata().getName()
                + "  "
                + conditions((ConditionedStatus) resource.getStatus()));
      }
    }
  }

  static String conditions(ConditionedStatus status) {
    if (status == null || status.getConditions() == null || status.getConditions().isEmpty()) {
      return "(no conditions)";
    }
    return status.getConditions().stream()
        .map(StorySummary::condition)
        .collect(Collectors.joining("  "));
  }

  private static String condition(Condition c) {
    return c.getType() + "=" + c.getStatus() + "(" + c.getReason() + ")";
  }
}
