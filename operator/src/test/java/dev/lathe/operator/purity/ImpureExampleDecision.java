package dev.lathe.operator.purity;

import io.fabric8.kubernetes.client.KubernetesClient;

/** A decision that reads the cluster itself: what {@code PurityRulesTest} must refuse. */
public final class ImpureExampleDecision {

  private ImpureExampleDecision() {}

  public static boolean decide(KubernetesClient client) {
    return client.pods().list().getItems().isEmpty();
  }
}
