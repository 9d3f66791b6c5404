package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalEndpointSlicesTest {

  @Test
  void aSliceCarriesItsServicesLabelsAsTheEndpointsliceControllerCopiesThem() {
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("support-bot-canary")
            .withNamespace("demo")
            .withUid("svc-uid")
            .withLabels(
                Map.of(
                    "app.kubernetes.io/managed-by",
                    "lathe-operator",
                    // A reserved key on a Service is not copied over the slice's own.
                    LocalEndpointSlices.SERVICE_NAME,
                    "something-else"))
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("version", "next"))
            .addNewPort()
            .withPort(8080)
            .endPort()
            .endSpec()
            .build();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("next-0")
            .withNamespace("demo")
            .withLabels(Map.of("version", "next"))
            .endMetadata()
            .withNewSpec()
            .endSpec()
            .withNewStatus()
            .withPodIP("127.0.10.1")
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();

    EndpointSlice slice = new LocalEndpointSlices(null, "node-a").desired(service, List.of(pod));

    assertThat(slice.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "lathe-operator")
        .containsEntry(LocalEndpointSlices.SERVICE_NAME, "support-bot-canary")
        .containsEntry(LocalEndpointSlices.MANAGED_BY, LocalEndpointSlices.MANAGER);
    assertThat(slice.getEndpoints())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getTargetRef().getName()).isEqualTo("next-0");
              assertThat(e.getConditions().getReady()).isTrue();
            });
  }
}
