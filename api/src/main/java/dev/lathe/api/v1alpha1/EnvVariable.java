package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An environment variable for a Lathe container: a literal value or a key of a Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!self.name.startsWith('LATHE_')",
    message = "names starting with LATHE_ are reserved for the operator's contract variables")
@ValidationRule(
    value = "!(has(self.value) && has(self.valueFrom))",
    message = "set at most one of value or valueFrom")
public class EnvVariable {

  @Required
  @Size(min = 1, max = 128)
  @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
  @JsonPropertyDescription("name is required: the variable's name.")
  private String name;

  @Size(max = 32768)
  @JsonPropertyDescription(
      "value is optional: the literal value. At most one of value or valueFrom.")
  private String value;

  @JsonPropertyDescription(
      "valueFrom is optional: take the value from a Secret or ConfigMap key in the same namespace."
          + " At most one of value or valueFrom.")
  private EnvVariableSource valueFrom;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  public EnvVariableSource getValueFrom() {
    return valueFrom;
  }

  public void setValueFrom(EnvVariableSource valueFrom) {
    this.valueFrom = valueFrom;
  }
}
