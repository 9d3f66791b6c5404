package dev.lathe.operator.rollout.traffic;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How many pods of one version a track Service's EndpointSlices list as ready. A gateway routes to
 * what the slices list, not to what the Service's selector says: right after the selector moves to
 * a new version, or a new pod becomes ready, the slices still list the old set for a moment. A
 * weight put on the route in that moment sends its share to no server (a gateway answers 503) or to
 * the wrong version, and a gateway that accepts the route says nothing of it. So a rollout puts a
 * weight on the route only once the slices list the version's pods. Pure.
 */
public final class TrackEndpoints {

  /** The label the endpointslice controller puts on every slice: its Service's name. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private TrackEndpoints() {}

  /**
   * How many of {@code pods} (by name: one version's pods) the slices of Service {@code service}
   * list as ready, each counted once however many slices list it. An endpoint's ready condition
   * left unset counts as ready, as the API defines it; a terminating one never.
   */
  public static int readyPods(Collection<EndpointSlice> slices, String service, Set<String> pods) {
    return (int)
        slices.stream()
            .filter(s -> service.equals(labels(s).get(SERVICE_NAME_LABEL)))
            .flatMap(s -> Optional.ofNullable(s.getEndpoints()).orElse(List.of()).stream())
            .filter(TrackEndpoints::ready)
            .map(e -> e.getTargetRef() == null ? null : e.getTargetRef().getName())
            .filter(Objects::nonNull)
            .filter(pods::contains)
            .distinct()
            .count();
  }

  private static boolean ready(Endpoint endpoint) {
    var conditions = endpoint.getConditions();
    if (conditions == null) {
      return true;
    }
    return !Boolean.TRUE.equals(conditions.getTerminating())
        && !Boolean.FALSE.equals(conditions.getReady());
  }

  private static Map<String, String> labels(EndpointSlice slice) {
    return Optional.ofNullable(slice.getMetadata().getLabels()).orElse(Map.of());
  }
}
