package dev.lathe.artifact.manifest;

/**
 * How a model directory becomes a list of digested resources, as in OpenSSF model-signing: one
 * resource per file, or one per fixed-size shard of each file (which lets large files be hashed in
 * parallel).
 */
public enum Serialization {
  /** One SHA-256 per file, named by the file's path. */
  FILES("files"),
  /** One SHA-256 per shard, named "path:start:end" with end exclusive; empty files have none. */
  SHARDS("shards");

  private final String method;

  Serialization(String method) {
    this.method = method;
  }

  /** The name model-signing uses in the predicate's serialization.method. */
  public String method() {
    return method;
  }

  public static Serialization fromMethod(String method) {
    for (Serialization s : values()) {
      if (s.method.equals(method)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown serialization method: " + method);
  }
}
