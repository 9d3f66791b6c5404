package dev.lathe.operator.rollout.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrackEndpointsTest {

  static final String CANARY = "support-bot-canary";

  /** The candidate's pods; base-0, the stable version's, is not among them. */
  static final Set<String> CANDIDATE = Set.of("next-0", "next-1");

  @Test
  void countsTheReadyEndpointsThatArePodsOfTheVersion() {
    EndpointSlice slice =
        slice(CANARY, endpoint("next-0", true, false), endpoint("next-1", false, false));

    assertThat(TrackEndpoints.readyPods(List.of(slice), CANARY, CANDIDATE)).isEqualTo(1);
  }

  @Test
  void podsOfAnotherVersionDoNotCountThoughTheServiceListsThem() {
    // The slice still lists what the Service selected before its selector moved.
    EndpointSlice stale = slice(CANARY, endpoint("base-0", true, false));

    assertThat(TrackEndpoints.readyPods(List.of(stale), CANARY, CANDIDATE)).isZero();
  }

  @Test
  void anUnsetReadyConditionCountsAsReadyAndATerminatingEndpointNever() {
    EndpointSlice slice =
        slice(CANARY, endpoint("next-0", null, false), endpoint("next-1", true, true));

    assertThat(TrackEndpoints.readyPods(List.of(slice), CANARY, CANDIDATE)).isEqualTo(1);
  }

  @Test
  void aPodListedByTwoSlicesCountsOnceAndAnotherServicesSlicesNotAtAll() {
    List<EndpointSlice> slices =
        List.of(
            slice(CANARY, endpoint("next-0", true, false)),
            slice(CANARY, endpoint("next-0", true, false)),
            slice("support-bot-stable", endpoint("next-1", true, false)));

    assertThat(TrackEndpoints.readyPods(slices, CANARY, CANDIDATE)).isEqualTo(1);
  }

  @Test
  void anEndpointWithoutATargetPodDoesNotCount() {
    Endpoint bare = new EndpointBuilder().withAddresses("10.0.0.9").build();

    assertThat(TrackEndpoints.readyPods(List.of(slice(CANARY, bare)), CANARY, CANDIDATE)).isZero();
  }

  private static Endpoint endpoint(String pod, Boolean ready, boolean terminating) {
    return new EndpointBuilder()
        .withAddresses("10.0.0.1")
        .withNewConditions()
        .withReady(ready)
        .withTerminating(terminating)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withName(pod)
        .endTargetRef()
        .build();
  }

  private static EndpointSlice slice(String service, Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service + "-x")
        .withLabels(Map.of(TrackEndpoints.SERVICE_NAME_LABEL, service))
        .endMetadata()
        .withAddressType("IPv4")
        .withEndpoints(endpoints)
        .build();
  }
}
