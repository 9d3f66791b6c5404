package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Overrides of the trainer container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainerSpec {

  @Size(max = 512)
  @Pattern("^[a-z0-9]+([._/:@-][A-Za-z0-9]+)*$")
  @JsonPropertyDescription(
      "image is optional: a trainer image that follows Lathe's trainer contract, ideally pinned by"
          + " digest (registry/trainer@sha256:...). It is recorded in the ModelVersion lineage."
          + " Absent means the operator's default trainer image.")
  private String image;

  @Size(max = 64)
  @JsonPropertyDescription(
      "env is optional: extra environment variables for the trainer container, for example"
          + " settings of a custom trainer. Variables of the trainer contract (LATHE_*) cannot be"
          + " overridden.")
  private List<EnvVariable> env;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public List<EnvVariable> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVariable> env) {
    this.env = env;
  }
}
