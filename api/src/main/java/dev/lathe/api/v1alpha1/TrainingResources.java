package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/** The compute a training run asks for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.nodes) || self.nodes == 1 || (has(self.gpusPerNode) && self.gpusPerNode > 0)",
    message = "nodes > 1 needs gpusPerNode >= 1: multi-node training is for GPU workloads")
@ValidationRule(
    value = "!has(self.gpuProduct) || (has(self.gpusPerNode) && self.gpusPerNode > 0)",
    message = "gpuProduct needs gpusPerNode >= 1")
public class TrainingResources {

  @Min(0)
  @Max(16)
  @JsonPropertyDescription(
      "gpusPerNode is optional: nvidia.com/gpu devices for each training pod. Defaults to 0.")
  private Integer gpusPerNode;

  @Size(max = 128)
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription(
      "gpuProduct is optional: the value of the node label nvidia.com/gpu.product that training"
          + " pods must land on, for example NVIDIA-H100-80GB-HBM3. Absent means any GPU.")
  private String gpuProduct;

  @Min(1)
  @Max(64)
  @JsonPropertyDescription(
      "nodes is optional: how many pods train together (an Indexed Job with the torchrun"
          + " environment). Defaults to 1; more than 1 needs gpusPerNode >= 1.")
  private Integer nodes;

  @JsonPropertyDescription(
      "cpu is optional: CPU requested by each training pod, as a Kubernetes quantity (\"8\","
          + " \"500m\").")
  private Quantity cpu;

  @JsonPropertyDescription(
      "memory is optional: memory requested (and limited) for each training pod, as a Kubernetes"
          + " quantity (\"64Gi\").")
  private Quantity memory;

  public Integer getGpusPerNode() {
    return gpusPerNode;
  }

  public void setGpusPerNode(Integer gpusPerNode) {
    this.gpusPerNode = gpusPerNode;
  }

  public String getGpuProduct() {
    return gpuProduct;
  }

  public void setGpuProduct(String gpuProduct) {
    this.gpuProduct = gpuProduct;
  }

  public Integer getNodes() {
    return nodes;
  }

  public void setNodes(Integer nodes) {
    this.nodes = nodes;
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
