package dev.lathe.artifact.manifest;

import dev.lathe.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hashes a model directory into a {@link Manifest}: files, or shards of files, hashed in parallel
 * on a fixed number of threads; local files are mapped window by window and streams read through
 * one small buffer per thread, so memory stays bounded whatever the model's size. Symbolic links
 * are refused: a signed model must not reach outside its directory.
 */
public final class ModelHasher {

  /** model-signing's default shard size: 1 GB. */
  public static final long DEFAULT_SHARD_SIZE = 1_000_000_000L;

  private final Serialization serialization;
  private final long shardSize;
  private final int threads;

  public ModelHasher(Serialization serialization, long shardSize, int threads) {
    if (serialization == Serialization.SHARDS && shardSize <= 0) {
      throw new IllegalArgumentException("shard size must be positive");
    }
    this.serialization = serialization;
    this.shardSize = serialization == Serialization.SHARDS ? shardSize : 0;
    this.threads = Math.max(1, threads);
  }

  /** Per-file digests on every available core. */
  public static ModelHasher files() {
    return new ModelHasher(Serialization.FILES, 0, Runtime.getRuntime().availableProcessors());
  }

  /** Per-shard digests of {@code shardSize} bytes on every available core. */
  public static ModelHasher shards(long shardSize) {
    return new ModelHasher(
        Serialization.SHARDS, shardSize, Runtime.getRuntime().availableProcessors());
  }

  /** Hashes a local model directory; see {@link #hash(ModelFiles, Set)}. */
  public Manifest hash(Path root, Set<String> ignored) {
    return hash(new LocalModelDirectory(root), ignored);
  }

  /**
   * Hashes every file of the model except the {@code ignored} paths (signature files, which cannot
   * sign themselves).
   */
  public Manifest hash(ModelFiles model, Set<String> ignored) {
    List<Piece> pieces = new ArrayList<>();
    try {
      for (ModelPath file : model.list(ignored)) {
        long size = model.size(file);
        if (serialization == Serialization.FILES) {
          pieces.add(new Piece(file.value(), file, 0, size));
        } else {
          // As in model-signing, an empty file has no shard and so no resource.
          for (long start = 0; start < size; start += shardSize) {
            long end = Math.min(size, start + shardSize);
            pieces.add(new Piece(file.value() + ":" + start + ":" + end, file, start, end));
          }
        }
      }
    } catch (IOException e) {
      throw new ArtifactException("cannot list " + model.describe() + ": " + e.getMessage(), e);
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(threads, Math.max(1, pieces.size())));
    try {
      // Largest first, so the small files fill the gaps at the end instead of a big one arriving
      // last on one core while the others idle; the manifest keeps the sorted order.
      List<Integer> bySize = new ArrayList<>();
      for (int i = 0; i < pieces.size(); i++) {
        bySize.add(i);
      }
      bySize.sort(Comparator.comparingLong((Integer i) -> pieces.get(i).length()).reversed());
      List<Future<Resource>> futures = new ArrayList<>(Collections.nCopies(pieces.size(), null));
      for (int i : bySize) {
        Piece piece = pieces.get(i);
        futures.set(i, pool.submit(() -> piece.hash(model)));
      }
      List<Resource> resources = new ArrayList<>();
      for (Future<Resource> future : futures) {
        resources.add(future.get());
      }
      return new Manifest(serialization, shardSize, resources, ignored.stream().sorted().toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactException("hashing interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof ArtifactException a
          ? a
          : new ArtifactException(
              "cannot hash " + model.describe() + ": " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private record Piece(String name, ModelPath path, long start, long end) {

    long length() {
      return end - start;
    }

    Resource hash(ModelFiles model) {
      MessageDigest sha256;
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      long hashed;
      try {
        hashed = model.digest(path, start, end, sha256);
      } catch (IOException e) {
        throw new ArtifactException("cannot read " + path + ": " + e.getMessage(), e);
      }
      if (hashed != end - start) {
        throw new ArtifactException(path + " changed size while it was hashed");
      }
      return new Resource(name, path, start, end, sha256.digest());
    }
  }
}
