package dev.lathe.operator.checks;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.EnvVariable;
import dev.lathe.api.v1alpha1.KeyReference;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.status.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks extra container environment: no name twice, and every Secret or ConfigMap key it reads
 * exists, so a pod does not sit in CreateContainerConfigError.
 */
public final class EnvironmentCheck {

  private final ReferenceLookup lookup;

  public EnvironmentCheck(ReferenceLookup lookup) {
    this.lookup = lookup;
  }

  public List<Problem> check(String namespace, String field, List<EnvVariable> env) {
    if (env == null) {
      return List.of();
    }
    List<Problem> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < env.size(); i++) {
      EnvVariable variable = env.get(i);
      String at = field + "[" + i + "]";
      if (!seen.add(variable.getName())) {
        problems.add(Problem.inSpec(at + ".name: " + variable.getName() + " is set twice"));
      }
      if (variable.getValueFrom() != null) {
        problems.addAll(
            secretKey(
                namespace,
                at + ".valueFrom.secretKeyRef",
                variable.getValueFrom().getSecretKeyRef()));
        problems.addAll(
            configMapKey(
                namespace,
                at + ".valueFrom.configMapKeyRef",
                variable.getValueFrom().getConfigMapKeyRef()));
      }
    }
    return problems;
  }

  private List<Problem> secretKey(String namespace, String field, KeyReference ref) {
    if (ref == null) {
      return List.of();
    }
    return lookup
        .secret(namespace, ref.getName())
        .map(
            s ->
                StorageLocationCheck.hasKey(s, ref.getKey())
                    ? List.<Problem>of()
                    : missingKey(field, "Secret", ref, AcceptanceReasons.SECRET_INCOMPLETE))
        .orElseGet(
            () -> notFound(field, "Secret", ref, AcceptanceReasons.SECRET_NOT_FOUND, namespace));
  }

  private List<Problem> configMapKey(String namespace, String field, KeyReference ref) {
    if (ref == null) {
      return List.of();
    }
    return lookup
        .configMap(namespace, ref.getName())
        .map(
            c ->
                has(c.getData(), ref.getKey()) || has(c.getBinaryData(), ref.getKey())
                    ? List.<Problem>of()
                    : missingKey(field, "ConfigMap", ref, AcceptanceReasons.CONFIG_MAP_NOT_FOUND))
        .orElseGet(
            () ->
                notFound(
                    field, "ConfigMap", ref, AcceptanceReasons.CONFIG_MAP_NOT_FOUND, namespace));
  }

  private static boolean has(Map<String, String> map, String key) {
    return Optional.ofNullable(map).map(m -> m.containsKey(key)).orElse(false);
  }

  private static List<Problem> missingKey(
      String field, String kind, KeyReference ref, String reason) {
    return List.of(
        Problem.missing(
            reason, field + ": " + kind + " " + ref.getName() + " has no key " + ref.getKey()));
  }

  private static List<Problem> notFound(
      String field, String kind, KeyReference ref, String reason, String namespace) {
    return List.of(
        Problem.missing(
            reason,
            field + ": " + kind + " " + ref.getName() + " not found in namespace " + namespace));
  }
}
