package dev.lathe.cli;

import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.ModelSigningStatement;
import dev.lathe.artifact.signing.SignedStatement;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lathe bench}: hashes and signs a generated multi-GB model and prints throughput next to
 * {@code sha256sum} over the same files in the same run. A benchmark, not a test: it prints
 * figures.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Hash and sign a generated model; print GB/s beside sha256sum on the same files.")
final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--size-gb",
      defaultValue = "2",
      description = "Total model size in GB (default ${DEFAULT-VALUE}).")
  double sizeGb;

  @Option(
      names = "--files",
      defaultValue = "4",
      description = "How many weight shards the size is split into.")
  int files;

  @Option(
      names = "--dir",
      description = "Where to generate the model (default: a temporary directory, deleted after).")
  Path dir;

  @Option(
      names = "--shard-size",
      defaultValue = "268435456",
      description = "Shard size for the shards run (default 256 MiB).")
  long shardSize;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    boolean temporary = dir == null;
    Path model =
        temporary ? Files.createTempDirectory("lathe-bench-") : Files.createDirectories(dir);
    try {
      long total = generate(model);
      double gb = total / 1e9;
      out.printf(
          "model: %d files, %.2f GB in %s; %d cores%n",
          files + 1, gb, model, Runtime.getRuntime().availableProcessors());
      // Warm the page cache so every contender reads from memory, not disk.
      runSha256sum(model);

      KeyPair key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
      double files = time(() -> sign(ModelHasher.files(), model, key));
      double shards = time(() -> sign(ModelHasher.shards(shardSize), model, key));
      double sha256sum = time(() -> runSha256sum(model));

      out.printf("%-38s %8s %9s %8s%n", "", "seconds", "GB/s", "ratio");
      out.printf(
          "%-38s %8.2f %9.2f %8s%n",
          "sha256sum (coreutils, one process)", sha256sum, gb / sha256sum, "1.00");
      out.printf(
          "%-38s %8.2f %9.2f %8.2f%n",
          "lathe hash+sign, per-file", files, gb / files, sha256sum / files);
      out.printf(
          "%-38s %8.2f %9.2f %8.2f%n",
          "lathe hash+sign, " + (shardSize >> 20) + " MiB shards",
          shards,
          gb / shards,
          sha256sum / shards);
      out.println("ratio = sha256sum seconds / lathe seconds (above 1: Lathe is faster)");
      return ExitCodes.OK;
    } finally {
      if (temporary) {
        try (Stream<Path> paths = Files.walk(model)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private long generate(Path model) throws IOException {
    Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\"}");
    long each = (long) (sizeGb * 1e9 / files);
    byte[] block = new byte[8 << 20];
    new Random(42).nextBytes(block);
    for (int i = 0; i < files; i++) {
      Path file = model.resolve(String.format("model-%05d-of-%05d.safetensors", i + 1, files));
      if (Files.exists(file) && Files.size(file) == each) {
        continue;
      }
      try (OutputStream o = Files.newOutputStream(file)) {
        for (long written = 0; written < each; written += block.length) {
          block[0] = (byte) (written >> 23);
          block[1] = (byte) i;
          o.write(block, 0, (int) Math.min(block.length, each - written));
        }
      }
    }
    return each * files + Files.size(model.resolve("config.json"));
  }

  private static void sign(ModelHasher hasher, Path model, KeyPair key) {
    Manifest manifest = hasher.hash(model, ArtifactLayout.NOT_MODEL_FILES);
    SignedStatement.sign(ModelSigningStatement.of("bench", manifest), key);
  }

  private static void runSha256sum(Path model) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sha256sum"));
    try (Stream<Path> paths = Files.list(model)) {
      paths.sorted().forEach(p -> command.add(p.toString()));
    }
    Process process =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (process.waitFor() != 0) {
      throw new IOException("sha256sum failed");
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private static double time(Work work) throws Exception {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1e9;
  }
}
