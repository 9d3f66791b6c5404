package dev.lathe.trainer;

import ai.djl.ndarray.NDArray;
import dev.lathe.engine.safetensors.SafetensorsFile;
import dev.lathe.engine.safetensors.SafetensorsWriter;
import dev.lathe.engine.safetensors.Tensor;
import dev.lathe.engine.training.AdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Training checkpoints: the trained parameters and the optimizer's state after a step, each in a
 * directory step-NNNNNNNN that appears only when complete, so a pod killed mid-write resumes from
 * the previous one. Older checkpoints are removed once a newer one is complete.
 */
final class CheckpointStore {

  private static final String PREFIX = "step-";

  private final Path root;

  CheckpointStore(Path root) {
    this.root = root;
  }

  void save(int step, List<NDArray> parameters, AdamW optimizer) {
    try {
      Files.createDirectories(root);
      Path staging = Files.createTempDirectory(root, ".writing-");
      List<Tensor> tensors = new ArrayList<>();
      for (int i = 0; i < parameters.size(); i++) {
        NDArray p = parameters.get(i);
        tensors.add(Tensor.ofFloats("p." + i, p.getShape().getShape(), p.toFloatArray()));
      }
      SafetensorsWriter.write(staging.resolve("parameters.safetensors"), tensors, Map.of());
      SafetensorsWriter.write(
          staging.resolve("optimizer.safetensors"), optimizer.state(), Map.of());
      Path target = root.resolve(String.format("%s%08d", PREFIX, step));
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      for (Path older : list()) {
        if (!older.equals(target)) {
          delete(older);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint under " + root, e);
    }
  }

  /** The step of the newest complete checkpoint, after loading it into parameters and optimizer. */
  Optional<Integer> restoreLatest(List<NDArray> parameters, AdamW optimizer) {
    List<Path> checkpoints = list();
    if (checkpoints.isEmpty()) {
      return Optional.empty();
    }
    Path latest = checkpoints.get(checkpoints.size() - 1);
    SafetensorsFile saved = SafetensorsFile.read(latest.resolve("parameters.safetensors"));
    if (saved.tensors().size() != parameters.size()) {
      throw new IllegalStateException(
          latest
              + " holds "
              + saved.tensors().size()
              + " parameters, the run has "
              + parameters.size());
    }
    for (int i = 0; i < parameters.size(); i++) {
      parameters.get(i).set(saved.tensor("p." + i).toFloats());
    }
    optimizer.restore(SafetensorsFile.read(latest.resolve("optimizer.safetensors")).tensors());
    return Optional.of(
        Integer.parseInt(latest.getFileName().toString().substring(PREFIX.length())));
  }

  private List<Path> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith(PREFIX))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
