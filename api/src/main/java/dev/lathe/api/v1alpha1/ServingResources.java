package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/** The compute each inference pod asks for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.gpuProduct) || (has(self.gpus) && self.gpus > 0)",
    message = "gpuProduct needs gpus >= 1")
public class ServingResources {

  @Min(0)
  @Max(16)
  @JsonPropertyDescription(
      "gpus is optional: nvidia.com/gpu devices for each inference pod. Defaults to 0 (CPU"
          + " inference).")
  private Integer gpus;

  @Size(max = 128)
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription(
      "gpuProduct is optional: the value of the node label nvidia.com/gpu.product that inference"
          + " pods must land on. Absent means any GPU.")
  private String gpuProduct;

  @JsonPropertyDescription(
      "cpu is optional: CPU requested by each inference pod, as a Kubernetes quantity.")
  private Quantity cpu;

  @JsonPropertyDescription(
      "memory is optional: memory requested (and limited) for each inference pod, as a Kubernetes"
          + " quantity.")
  private Quantity memory;

  public Integer getGpus() {
    return gpus;
  }

  public void setGpus(Integer gpus) {
    this.gpus = gpus;
  }

  public String getGpuProduct() {
    return gpuProduct;
  }

  public void setGpuProduct(String gpuProduct) {
    this.gpuProduct = gpuProduct;
  }

  public Quantity getCpu() {
    return cpu;
  }

  public void setCpu(Quantity cpu) {
    this.cpu = cpu;
  }

  public Quantity getMemory() {
    return memory;
  }

  public void setMemory(Quantity memory) {
    this.memory = memory;
  }
}
