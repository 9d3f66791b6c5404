package dev.lathe.cli.rollout;

import dev.lathe.cli.status.ResourceRef;

/** What the rollout commands share: they act on ModelDeployments only. */
final class RolloutCommands {

  private RolloutCommands() {}

  static String deploymentName(String resource) {
    ResourceRef ref = ResourceRef.parse(resource);
    if (ref.kind() != ResourceRef.Kind.MODEL_DEPLOYMENT) {
      throw new IllegalArgumentException(
          "only a ModelDeployment has a rollout: use md/NAME, not " + resource);
    }
    return ref.name();
  }
}
