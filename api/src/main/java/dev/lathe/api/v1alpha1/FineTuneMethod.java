package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** How the weights are trained. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.type != 'full' || !(has(self.rank) || has(self.alpha) || has(self.dropout)"
            + " || has(self.targetModules))",
    message = "rank, alpha, dropout and targetModules apply only to lora and qlora")
public class FineTuneMethod {

  @Required
  @JsonPropertyDescription(
      "type is required: lora trains low-rank adapters beside frozen weights; qlora does the same"
          + " over a 4-bit quantised base (less GPU memory); full trains every weight.")
  private FineTuneMethodType type;

  @Min(1)
  @Max(1024)
  @JsonPropertyDescription(
      "rank is optional: the rank r of each LoRA adapter (lora and qlora only). Defaults to 16.")
  private Integer rank;

  @Min(value = 0, inclusive = false)
  @Max(4096)
  @JsonPropertyDescription(
      "alpha is optional: the LoRA scaling numerator; updates are scaled by alpha/rank (lora and"
          + " qlora only). Defaults to twice the rank.")
  private Double alpha;

  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription(
      "dropout is optional: dropout probability on the adapter input, 0 <= dropout < 1 (lora and"
          + " qlora only). Defaults to 0.05.")
  private Double dropout;

  @Size(min = 1, max = 32)
  @JsonPropertyDescription(
      "targetModules is optional: the linear layers that get adapters, by their Hugging Face"
          + " names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj). Defaults to"
          + " q_proj, k_proj, v_proj and o_proj.")
  private List<@Pattern("^[A-Za-z_][A-Za-z0-9_.]{0,127}$") String> targetModules;

  public FineTuneMethodType getType() {
    return type;
  }

  public void setType(FineTuneMethodType type) {
    this.type = type;
  }

  public Integer getRank() {
    return rank;
  }

  public void setRank(Integer rank) {
    this.rank = rank;
  }

  public Double getAlpha() {
    return alpha;
  }

  public void setAlpha(Double alpha) {
    this.alpha = alpha;
  }

  public Double getDropout() {
    return dropout;
  }

  public void setDropout(Double dropout) {
    this.dropout = dropout;
  }

  public List<String> getTargetModules() {
    return targetModules;
  }

  public void setTargetModules(List<String> targetModules) {
    this.targetModules = targetModules;
  }
}
