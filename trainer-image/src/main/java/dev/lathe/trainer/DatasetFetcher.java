package dev.lathe.trainer;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.FetchPlan;
import dev.lathe.artifact.contract.FetchedInputs;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoreAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Brings a dataset into the pod as one JSON-lines file: one object, or every *.jsonl object under a
 * prefix joined in key order. Its digest is taken over exactly the bytes the trainer will read, so
 * the lineage names the data as trained on, whichever way it was assembled.
 */
final class DatasetFetcher {

  private static final String JSONL = ".jsonl";

  private final PrintStream log;

  DatasetFetcher(PrintStream log) {
    this.log = log;
  }

  /** {@code name}: how the plan calls this input (dataset, evalDataset), for messages. */
  FetchedInputs.Input fetch(FetchPlan.Dataset dataset, String name) {
    ArtifactStore store = dataset.address().open();
    try {
      List<String> keys = keys(store, dataset, name);
      String digest = concatenate(store, dataset.address(), keys, Path.of(dataset.target()), name);
      log.printf(
          "fetch: %s %s (%d object%s), sha256:%s%n",
          name, dataset.uri(), keys.size(), keys.size() == 1 ? "" : "s", digest);
      return new FetchedInputs.Input(dataset.uri(), "sha256:" + digest);
    } catch (IOException | ArtifactException e) {
      throw new FetchException(name + " " + dataset.uri() + ": " + e.getMessage(), e);
    } finally {
      StoreAddress.close(store);
    }
  }

  private static List<String> keys(ArtifactStore store, FetchPlan.Dataset dataset, String name)
      throws IOException {
    if (!dataset.key().isEmpty()) {
      return List.of(dataset.key());
    }
    List<String> keys = store.list("").stream().filter(k -> k.endsWith(JSONL)).sorted().toList();
    if (keys.isEmpty()) {
      throw new FetchException(name + ": no *.jsonl object under " + dataset.address().uri());
    }
    return keys;
  }

  /** Writes the objects to {@code target} (atomically) and returns the hex SHA-256 of it. */
  private static String concatenate(
      ArtifactStore store, StoreAddress address, List<String> keys, Path target, String name)
      throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, ".fetch-", ".tmp");
    MessageDigest sha256 = sha256();
    try {
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temporary), sha256)) {
        int last = '\n';
        for (String key : keys) {
          long size =
              store
                  .size(key)
                  .orElseThrow(
                      () ->
                          new FetchException(
                              name + ": no object at " + address.resolve(key).uri()));
          if (size == 0) {
            continue;
          }
          // One record per line: an object whose last line lacks its newline must not run into
          // the next object's first line.
          if (last != '\n') {
            out.write('\n');
          }
          last = copy(store, key, size, out);
        }
      }
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** Copies the object and returns its last byte. */
  private static int copy(ArtifactStore store, String key, long size, OutputStream out)
      throws IOException {
    byte[] buffer = new byte[1 << 16];
    int last = -1;
    try (InputStream in = store.open(key, 0, size)) {
      int read;
      while ((read = in.read(buffer)) > 0) {
        out.write(buffer, 0, read);
        last = buffer[read - 1];
      }
    }
    return last;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
