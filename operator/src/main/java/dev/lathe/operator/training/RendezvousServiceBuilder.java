package dev.lathe.operator.training;

import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.operator.workloads.ControllerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * The headless Service of a multi-node attempt: it gives each pod of the Indexed Job the DNS name
 * JOB-INDEX.JOB that MASTER_ADDR points at, before the pods are ready (torchrun rendezvous happens
 * before anything could pass a readiness probe).
 */
public final class RendezvousServiceBuilder {

  private RendezvousServiceBuilder() {}

  public static Service build(FineTuneJob ftj, int attempt) {
    String jobName = TrainingNames.job(ftj, attempt);
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(TrainingNames.service(ftj, attempt))
        .withNamespace(ftj.getMetadata().getNamespace())
        .withLabels(TrainingNames.labels(ftj, attempt))
        .withOwnerReferences(ControllerReference.to(ftj))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .addToSelector("batch.kubernetes.io/job-name", jobName)
        .addNewPort()
        .withName("rendezvous")
        .withPort(TrainingJobBuilder.MASTER_PORT)
        .endPort()
        .endSpec()
        .build();
  }
}
