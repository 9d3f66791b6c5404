package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Where an environment variable's value comes from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.secretKeyRef) != has(self.configMapKeyRef)",
    message = "set exactly one of secretKeyRef or configMapKeyRef")
public class EnvVariableSource {

  @JsonPropertyDescription(
      "secretKeyRef is a key of a Secret. Exactly one of secretKeyRef or configMapKeyRef.")
  private KeyReference secretKeyRef;

  @JsonPropertyDescription(
      "configMapKeyRef is a key of a ConfigMap. Exactly one of secretKeyRef or configMapKeyRef.")
  private KeyReference configMapKeyRef;

  public KeyReference getSecretKeyRef() {
    return secretKeyRef;
  }

  public void setSecretKeyRef(KeyReference secretKeyRef) {
    this.secretKeyRef = secretKeyRef;
  }

  public KeyReference getConfigMapKeyRef() {
    return configMapKeyRef;
  }

  public void setConfigMapKeyRef(KeyReference configMapKeyRef) {
    this.configMapKeyRef = configMapKeyRef;
  }
}
