package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** How traffic is split between stable and canary: a discriminated union on type. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type == 'HTTPRoute' ? has(self.httpRoute) : !has(self.httpRoute)",
    message = "httpRoute is required when type is HTTPRoute and must be absent otherwise")
public class TrafficRouting {

  @Required
  @JsonPropertyDescription(
      "type is required: ServiceRatio splits by the ratio of canary to stable pods behind one"
          + " Service (approximate); HTTPRoute sets exact backend weights on a Gateway API"
          + " HTTPRoute, between the Services NAME-stable and NAME-canary (NAME being the"
          + " ModelDeployment's), which the operator keeps selecting the stable and the"
          + " candidate version's pods; the endpoint Service then serves stable only during a"
          + " rollout. An adapter-only rollout splits in the runtime on the same pods whatever"
          + " the type.")
  private TrafficRoutingType type;

  @JsonPropertyDescription("httpRoute names the HTTPRoute to manage. Required for type HTTPRoute.")
  private HttpRouteReference httpRoute;

  public TrafficRoutingType getType() {
    return type;
  }

  public void setType(TrafficRoutingType type) {
    this.type = type;
  }

  public HttpRouteReference getHttpRoute() {
    return httpRoute;
  }

  public void setHttpRoute(HttpRouteReference httpRoute) {
    this.httpRoute = httpRoute;
  }
}
