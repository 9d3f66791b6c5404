package dev.lathe.operator.workloads;

import dev.lathe.api.v1alpha1.EnvVariable;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;

/** A user's environment variable from a spec, as a container gets it. */
public final class UserEnvironment {

  private UserEnvironment() {}

  public static EnvVar toEnvVar(EnvVariable variable) {
    EnvVarBuilder builder = new EnvVarBuilder().withName(variable.getName());
    if (variable.getValueFrom() == null) {
      return builder.withValue(variable.getValue()).build();
    }
    var from = variable.getValueFrom();
    if (from.getSecretKeyRef() != null) {
      builder
          .withNewValueFrom()
          .withNewSecretKeyRef()
          .withName(from.getSecretKeyRef().getName())
          .withKey(from.getSecretKeyRef().getKey())
          .endSecretKeyRef()
          .endValueFrom();
    } else {
      builder
          .withNewValueFrom()
          .withNewConfigMapKeyRef()
          .withName(from.getConfigMapKeyRef().getName())
          .withKey(from.getConfigMapKeyRef().getKey())
          .endConfigMapKeyRef()
          .endValueFrom();
    }
    return builder.build();
  }
}
