package dev.lathe.api.validation;

/** Field paths as the API server prints them: spec.rollout.steps[1].weight. */
final class FieldPaths {

  private FieldPaths() {}

  static String child(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  static String item(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** Converts a JSON pointer such as /spec/steps/1/weight to spec.steps[1].weight. */
  static String fromJsonPointer(String pointer) {
    String path = "";
    for (String segment : pointer.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      String field = segment.replace("~1", "/").replace("~0", "~");
      path =
          field.chars().allMatch(Character::isDigit)
              ? item(path, Integer.parseInt(field))
              : child(path, field);
    }
    return path.isEmpty() ? "<root>" : path;
  }
}
