package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The downward API's {@code fieldRef} paths, resolved against a pod on this node. */
final class PodFieldRef {

  private static final Pattern MAP_ENTRY =
      Pattern.compile("metadata\\.(annotations|labels)\\['([^']*)'\\]");

  private PodFieldRef() {}

  /**
   * The value of {@code fieldPath}, empty for a map key the pod does not have; fails for a path the
   * downward API does not offer.
   */
  static Optional<String> resolve(Pod pod, String fieldPath, String podIp, String hostIp)
      throws ContainerConfigException {
    Matcher entry = MAP_ENTRY.matcher(fieldPath);
    if (entry.matches()) {
      Map<String, String> map =
          entry.group(1).equals("annotations")
              ? pod.getMetadata().getAnnotations()
              : pod.getMetadata().getLabels();
      return Optional.ofNullable(map == null ? null : map.get(entry.group(2)));
    }
    return Optional.ofNullable(
        switch (fieldPath) {
          case "metadata.name" -> pod.getMetadata().getName();
          case "metadata.namespace" -> pod.getMetadata().getNamespace();
          case "metadata.uid" -> pod.getMetadata().getUid();
          case "metadata.labels" -> lines(pod.getMetadata().getLabels());
          case "metadata.annotations" -> lines(pod.getMetadata().getAnnotations());
          case "spec.nodeName" -> pod.getSpec().getNodeName();
          case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
          case "status.podIP", "status.podIPs" -> podIp;
          case "status.hostIP", "status.hostIPs" -> hostIp;
          default ->
              throw new ContainerConfigException(
                  "fieldRef " + fieldPath + " is not supported by the local kubelet");
        });
  }

  /** The downwardAPI volume's format for a whole map: key="value" lines, sorted. */
  private static String lines(Map<String, String> map) {
    if (map == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    map.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.append(e.getKey())
                    .append("=\"")
                    .append(
                        e.getValue()
                            .replace("\\", "\\\\")
                            .replace("\"", "\\\"")
                            .replace("\n", "\\n"))
                    .append("\"\n"));
    return out.toString();
  }
}
