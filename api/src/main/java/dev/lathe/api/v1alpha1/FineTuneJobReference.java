package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A FineTuneJob, by name and uid, so a recreated job of the same name is told apart. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FineTuneJobReference {

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("name is required: the FineTuneJob's name in this namespace.")
  private String name;

  @Size(max = 36)
  @Pattern("^[0-9a-f-]+$")
  @JsonPropertyDescription("uid is optional: the FineTuneJob's metadata.uid.")
  private String uid;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getUid() {
    return uid;
  }

  public void setUid(String uid) {
    this.uid = uid;
  }
}
