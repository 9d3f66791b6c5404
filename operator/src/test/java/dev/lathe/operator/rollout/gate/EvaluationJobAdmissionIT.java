package dev.lathe.operator.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.operator.rollout.GateRequest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The evaluation Job as the real API server takes it: the Job is valid, and its pod passes the
 * restricted Pod Security Standard (a server-side dry run of the pod, where admission enforces it);
 * the same pod without its security context is refused, so the check is not empty.
 */
@ExtendWith(ControlPlaneExtension.class)
class EvaluationJobAdmissionIT {

  private static final String NS = "gate-admission";

  private final KubernetesClient client;

  EvaluationJobAdmissionIT(KubernetesClient client) {
    this.client = client;
  }

  @Test
  void theJobIsAcceptedAndItsPodPassesTheRestrictedStandard() {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .endMetadata()
                .build())
        .serverSideApply();
    GateRequest request = GateRequests.request();
    request.deployment().getMetadata().setNamespace(NS);
    Job job = EvaluationJobBuilder.build(request);
    // The owner is not in this API server; the reference is the builder's, tested elsewhere.
    job.getMetadata().setOwnerReferences(List.of());

    Job created = client.batch().v1().jobs().inNamespace(NS).resource(job).create();

    assertThat(created.getMetadata().getName()).isEqualTo(EvaluationJobBuilder.name(request));
    assertThat(created.getSpec().getBackoffLimit()).isZero();
    Pod pod = podOf(job);
    client.pods().inNamespace(NS).resource(pod).dryRun().create();

    Pod careless = podOf(job);
    careless.getSpec().setSecurityContext(null);
    careless.getSpec().getContainers().get(0).setSecurityContext(null);
    assertThatThrownBy(() -> client.pods().inNamespace(NS).resource(careless).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("violates PodSecurity \"restricted");
  }

  private static Pod podOf(Job job) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName() + "-probe")
        .withNamespace(NS)
        .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .build();
  }
}
