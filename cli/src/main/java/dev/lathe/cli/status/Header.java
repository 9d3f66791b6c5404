package dev.lathe.cli.status;

import dev.lathe.api.v1alpha1.ConditionedStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/** The first line of every view: kind, namespace/name, and whether the status is current. */
final class Header {

  private Header() {}

  static void render(String kind, ObjectMeta meta, ConditionedStatus status, StringBuilder out) {
    out.append(kind).append(' ').append(meta.getNamespace()).append('/').append(meta.getName());
    Long generation = meta.getGeneration();
    Long observed = status == null ? null : status.getObservedGeneration();
    if (generation != null && observed != null && !generation.equals(observed)) {
      // The conditions below describe an older spec: say so rather than let them mislead.
      out.append("   (spec generation ")
          .append(generation)
          .append(", status still describes ")
          .append(observed)
          .append(')');
    }
    out.append('\n');
  }
}
