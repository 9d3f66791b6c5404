package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Gateway API HTTPRoute in the deployment's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpRouteReference {

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "name is required: the HTTPRoute, in the deployment's namespace, one of whose rules has a"
          + " backendRef to the Service NAME-stable. In the first such rule Lathe sets that"
          + " backendRef's weight and a NAME-canary backendRef's (adding it beside, same port,"
          + " if absent) to the step's split, by server-side apply as field manager"
          + " lathe-rollout; every other field stays its owner's. A weight counts as set once"
          + " every parent Gateway reports Accepted and ResolvedRefs for the route's"
          + " generation.")
  private String name;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
