package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.WorkloadSettings;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.workloads.ObjectCreation;
import io.fabric8.kubernetes.client.KubernetesClient;

/** {@link VerificationActions} against the API server. */
public class ClusterVerificationActions implements VerificationActions {

  private final KubernetesClient client;
  private final WorkloadSettings settings;
  private final OperatorKeys keys;

  public ClusterVerificationActions(
      KubernetesClient client, WorkloadSettings settings, OperatorKeys keys) {
    this.client = client;
    this.settings = settings;
    this.keys = keys;
  }

  @Override
  public void createVerifyJob(ModelVersion version, VerificationStep.CreateVerifyJob step) {
    ObjectCreation.createIfAbsent(
        client,
        VerificationJobBuilder.build(
            version,
            settings.trainerImage(),
            keys.trustedKeysPem(version.getMetadata().getNamespace()),
            step.manifestDigest()));
  }

  @Override
  public void deleteVerifyJob(ModelVersion version, VerificationStep.DeleteVerifyJob step) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(version.getMetadata().getNamespace())
        .withName(step.name())
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
        .delete();
  }
}
