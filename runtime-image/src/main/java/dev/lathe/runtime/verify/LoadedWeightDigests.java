package dev.lathe.runtime.verify;

import static dev.lathe.artifact.verify.VerificationException.Failure.DIGEST_MISMATCH;
import static dev.lathe.artifact.verify.VerificationException.Failure.UNEXPECTED_FILE;

import dev.lathe.artifact.manifest.FileDigests;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.engine.safetensors.StreamedCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Checks a model's weight files against their signed digests on the bytes the loader reads into
 * memory ({@link StreamedCheckpoint}): the check and the load share one read, and what is loaded is
 * exactly what was hashed, whatever happens to the files on disk meanwhile.
 */
public final class LoadedWeightDigests implements StreamedCheckpoint.Observer {

  private final VerifiedModel model;
  private final Map<String, MessageDigest> reading = new HashMap<>();
  private final Set<String> checked = new HashSet<>();

  public LoadedWeightDigests(VerifiedModel model) {
    this.model = model;
  }

  @Override
  public void read(String file, ByteBuffer bytes) {
    if (!model.weightsToHash().containsKey(file) || checked.contains(file)) {
      throw new VerificationException(
          UNEXPECTED_FILE,
          file,
          "the loader read "
              + file
              + ", whose signed digest it does not hold, in "
              + model.directory());
    }
    reading.computeIfAbsent(file, f -> sha256()).update(bytes);
  }

  @Override
  public void finished(String file) {
    MessageDigest digest = reading.remove(file);
    String actual = HexFormat.of().formatHex(digest == null ? sha256().digest() : digest.digest());
    require(file, actual, "as it was loaded");
    checked.add(file);
  }

  /**
   * Hashes the signed weight files the loader did not read (a shard no tensor was taken from), so
   * the whole manifest is still checked.
   */
  public void requireEveryFileChecked() {
    for (String file : model.weightsToHash().keySet()) {
      if (checked.contains(file)) {
        continue;
      }
      MessageDigest digest = sha256();
      try {
        FileDigests.mapped(model.directory().resolve(file), 0, Long.MAX_VALUE, digest);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      require(file, HexFormat.of().formatHex(digest.digest()), "unloaded");
      checked.add(file);
    }
  }

  private void require(String file, String actual, String how) {
    if (!actual.equals(model.weightsToHash().get(file))) {
      throw new VerificationException(
          DIGEST_MISMATCH,
          file,
          "content differs from the signed digest: "
              + file
              + " in "
              + model.directory()
              + " (hashed "
              + how
              + ")");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
