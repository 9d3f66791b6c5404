package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The mechanism that splits traffic during a canary. */
public enum TrafficRoutingType {
  /** Stable and canary pods behind one Service; the split follows their replica counts. */
  @JsonProperty("ServiceRatio")
  SERVICE_RATIO,
  /** A Gateway API HTTPRoute with exact weights on a stable and a canary Service. */
  @JsonProperty("HTTPRoute")
  HTTP_ROUTE
}
