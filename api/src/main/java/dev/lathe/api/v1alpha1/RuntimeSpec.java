package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Overrides of the inference server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RuntimeSpec {

  @Size(max = 512)
  @Pattern("^[a-z0-9]+([._/:@-][A-Za-z0-9]+)*$")
  @JsonPropertyDescription(
      "image is optional: the runtime image, ideally pinned by digest. Absent means the"
          + " operator's default runtime image.")
  private String image;

  @Min(1)
  @Max(1024)
  @JsonPropertyDescription(
      "maxBatchSize is optional: sequences decoded together in one batch. Defaults to 8.")
  private Integer maxBatchSize;

  @Min(0)
  @Max(100000)
  @JsonPropertyDescription(
      "maxQueueLength is optional: requests waiting beyond the batch before new ones get HTTP 429."
          + " Defaults to 64.")
  private Integer maxQueueLength;

  @Min(16)
  @Max(131072)
  @JsonPropertyDescription(
      "maxModelLength is optional: the longest prompt plus completion, in tokens. Defaults to the"
          + " model's max_position_embeddings.")
  private Integer maxModelLength;

  @JsonPropertyDescription(
      "dtype is optional: the precision weights are served in. Defaults to bfloat16 on GPUs and"
          + " float32 on CPUs.")
  private ServingDType dtype;

  @Size(max = 64)
  @JsonPropertyDescription(
      "env is optional: extra environment variables for the runtime container.")
  private List<EnvVariable> env;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Integer getMaxBatchSize() {
    return maxBatchSize;
  }

  public void setMaxBatchSize(Integer maxBatchSize) {
    this.maxBatchSize = maxBatchSize;
  }

  public Integer getMaxQueueLength() {
    return maxQueueLength;
  }

  public void setMaxQueueLength(Integer maxQueueLength) {
    this.maxQueueLength = maxQueueLength;
  }

  public Integer getMaxModelLength() {
    return maxModelLength;
  }

  public void setMaxModelLength(Integer maxModelLength) {
    this.maxModelLength = maxModelLength;
  }

  public ServingDType getDtype() {
    return dtype;
  }

  public void setDtype(ServingDType dtype) {
    this.dtype = dtype;
  }

  public List<EnvVariable> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVariable> env) {
    this.env = env;
  }
}
