package dev.lathe.operator.names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Kubernetes names of bounded length that stay unique: a name too long keeps its start and gets a
 * short digest of the whole in place of its tail.
 */
public final class BoundedNames {

  private BoundedNames() {}

  /** A DNS label (at most 63 characters) derived from {@code name}. */
  public static String shorten(String name) {
    return shorten(name, 63);
  }

  public static String shorten(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    String hash = digest(name).substring(0, 8);
    String head = name.substring(0, max - hash.length() - 1).replaceAll("[-.]+$", "");
    return head + "-" + hash;
  }

  public static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
