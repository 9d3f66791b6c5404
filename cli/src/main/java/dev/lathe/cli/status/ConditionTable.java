package dev.lathe.cli.status;

import dev.lathe.api.v1alpha1.Condition;
import java.time.Instant;
import java.util.List;

/** The conditions of a status as an aligned table, one row each, kubectl describe's way. */
final class ConditionTable {

  private ConditionTable() {}

  static void render(List<Condition> conditions, Instant now, StringBuilder out) {
    out.append("Conditions:\n");
    if (conditions == null || conditions.isEmpty()) {
      out.append("  (none yet: the operator has not reported on it)\n");
      return;
    }
    int typeWidth = "TYPE".length();
    int reasonWidth = "REASON".length();
    for (Condition c : conditions) {
      typeWidth = Math.max(typeWidth, text(c.getType()).length());
      reasonWidth = Math.max(reasonWidth, text(c.getReason()).length());
    }
    String row = "  %-" + typeWidth + "s  %-7s  %-" + reasonWidth + "s  %-6s  %s%n";
    out.append(String.format(row, "TYPE", "STATUS", "REASON", "AGE", "MESSAGE"));
    for (Condition c : conditions) {
      out.append(
          String.format(
              row,
              text(c.getType()),
              text(c.getStatus()),
              text(c.getReason()),
              Ages.since(c.getLastTransitionTime(), now),
              text(c.getMessage())));
    }
  }

  static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type) != null
        && Condition.TRUE.equals(find(conditions, type).getStatus());
  }

  static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }
}
