package dev.lathe.artifact.manifest;

import java.util.HexFormat;

/**
 * One digested piece of a model: a whole file, or a shard of one.
 *
 * @param name the file's {@link ModelPath}, or "path:start:end" for a shard
 * @param path the file the bytes come from
 * @param start the first byte's offset in the file
 * @param end one past the last byte's offset
 * @param sha256 the SHA-256 of bytes [start, end) of the file
 */
public record Resource(String name, ModelPath path, long start, long end, byte[] sha256) {

  public Resource {
    sha256 = sha256.clone();
  }

  public String hexDigest() {
    return HexFormat.of().formatHex(sha256);
  }

  public long size() {
    return end - start;
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Resource r
        && name.equals(r.name)
        && start == r.start
        && end == r.end
        && java.util.Arrays.equals(sha256, r.sha256);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + java.util.Arrays.hashCode(sha256);
  }

  @Override
  public String toString() {
    return name + " sha256:" + hexDigest();
  }
}
