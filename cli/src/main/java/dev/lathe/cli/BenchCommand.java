package dev.lathe.cli;

import com.sun.management.OperatingSystemMXBean;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lathe bench}: hashes and signs a generated multi-GB model, as a whole {@code lathe sign}
 * process and inside this JVM, next to OpenSSF {@code model_signing sign key} on the same files and
 * against the SHA-256 limit of this machine ({@code openssl speed} per core × cores), all in one
 * run, contenders alternating so a shared machine's noise falls on each alike. A benchmark, not a
 * test: it prints figures.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Hash and sign a generated model; print wall and CPU seconds, GB/s, the share of the"
          + " SHA-256 limit (openssl speed × cores) and the ratio to OpenSSF model_signing on the"
          + " same files, medians of alternating runs.",
      "cli/bench.sh prepares model_signing's venv and passes --model-signing."
    })
final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--size-gb",
      defaultValue = "4",
      description = "Total model size in GB (default ${DEFAULT-VALUE}).")
  double sizeGb;

  @Option(
      names = "--files",
      defaultValue = "4",
      description = "How many weight shards the size is split into (default ${DEFAULT-VALUE}).")
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

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description = "Runs of each contender; medians are printed (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--model-signing",
      paramLabel = "EXECUTABLE",
      description = "OpenSSF's model_signing command (from the interop venv); skipped without it.")
  Path modelSigning;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    int cores = Runtime.getRuntime().availableProcessors();
    boolean temporary = dir == null;
    Path model =
        temporary ? Files.createTempDirectory("lathe-bench-") : Files.createDirectories(dir);
    Path scratch = Files.createTempDirectory("lathe-bench-keys-");
    try {
      long total = generate(model);
      double gb = total / 1e9;
      KeyPair key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
      Path privateKey = scratch.resolve("bench.key");
      Files.writeString(privateKey, SigningKeys.privateKeyPem(key.getPrivate()));
      Path signature = model.resolve(ArtifactLayout.SIGNATURE);

      Sha256Limit limit = Sha256Limit.measure(2, cores);
      out.printf(
          "model: %d files, %.2f GB in %s; %d cores; SHA-256 limit %.2f GB/s"
              + " (openssl speed -evp sha256, 1 MiB blocks: %.2f GB/s per core × %d)%n",
          files + 1,
          gb,
          model,
          cores,
          limit.bytesPerSecond() / 1e9,
          limit.perCoreBytesPerSecond() / 1e9,
          cores);
      // Warms the page cache for every contender, and this JVM's JIT for the in-JVM ones.
      sign(ModelHasher.files(), model, key);

      Map<String, Work> contenders = new LinkedHashMap<>();
      if (modelSigning != null) {
        Path theirSignature = scratch.resolve("model_signing.sig");
        contenders.put(
            "model_signing sign key (process)",
            () ->
                TimedProcess.run(
                    List.of(
                        modelSigning.toString(),
                        "sign",
                        "key",
                        model.toString(),
                        "--private_key",
                        privateKey.toString(),
                        "--signature",
                        theirSignature.toString(),
                        "--ignore-paths",
                        signature.toString())));
      }
      contenders.put(
          "lathe sign (process)",
          () ->
              TimedProcess.run(
                  latheCommand("sign", model.toString(), "--key", privateKey.toString())));
      contenders.put(
          "lathe hash+sign, per-file (in JVM)", () -> inThisJvm(ModelHasher.files(), model, key));
      contenders.put(
          "lathe hash+sign, " + (shardSize >> 20) + " MiB shards (in JVM)",
          () -> inThisJvm(ModelHasher.shards(shardSize), model, key));

      Map<String, List<TimedProcess>> runs = new LinkedHashMap<>();
      contenders.keySet().forEach(name -> runs.put(name, new ArrayList<>()));
      for (int round = 0; round < repeats; round++) {
        for (Map.Entry<String, Work> contender : contenders.entrySet()) {
          runs.get(contender.getKey()).add(contender.getValue().run());
        }
      }

      Double theirWall =
          modelSigning == null ? null : median(runs.values().iterator().next(), true);
      out.printf(
          "%-44s %7s %7s %7s %9s %9s %10s%n",
          "median of " + repeats, "wall s", "CPU s", "GB/s", "of limit", "CPU eff", "vs m_s");
      for (Map.Entry<String, List<TimedProcess>> entry : runs.entrySet()) {
        double wall = median(entry.getValue(), true);
        double cpu = median(entry.getValue(), false);
        out.printf(
            "%-44s %7.2f %7.2f %7.2f %8.0f%% %8.0f%% %10s%n",
            entry.getKey(),
            wall,
            cpu,
            gb / wall,
            100 * total / wall / limit.bytesPerSecond(),
            100 * total / cpu / limit.perCoreBytesPerSecond(),
            theirWall == null ? "-" : String.format("%.2f×", theirWall / wall));
      }
      out.println(
          "of limit: GB/s ÷ the SHA-256 limit; CPU eff: bytes per CPU-second ÷ openssl's per"
              + " core (100% = no CPU spent beyond SHA-256 itself; robust on a shared machine);"
              + " vs m_s: model_signing's wall ÷ this wall (above 1: faster than model_signing)."
              + (modelSigning == null ? " model_signing not measured: pass --model-signing." : ""));
      return ExitCodes.OK;
    } finally {
      deleteTree(scratch);
      if (temporary) {
        deleteTree(model);
      } else {
        Files.deleteIfExists(model.resolve(ArtifactLayout.SIGNATURE));
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

  /**
   * The lathe command a user runs: the launcher that started this JVM (bin/lathe, with its JVM
   * options), or else this JVM's own class path.
   */
  private static List<String> latheCommand(String... args) {
    List<String> command = new ArrayList<>();
    String launcher = System.getProperty("lathe.launcher");
    if (launcher != null) {
      command.add(launcher);
    } else {
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(LatheCommand.class.getName());
    }
    command.addAll(List.of(args));
    return command;
  }

  private static void sign(ModelHasher hasher, Path model, KeyPair key) {
    Manifest manifest = hasher.hash(model, ArtifactLayout.NOT_MODEL_FILES);
    SignedStatement.sign(ModelSigningStatement.of("bench", manifest), key);
  }

  private static TimedProcess inThisJvm(ModelHasher hasher, Path model, KeyPair key) {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long start = System.nanoTime();
    sign(hasher, model, key);
    return new TimedProcess(
        (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9);
  }

  private static double median(List<TimedProcess> runs, boolean wall) {
    double[] values =
        runs.stream().mapToDouble(r -> wall ? r.wallSeconds() : r.cpuSeconds()).sorted().toArray();
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private interface Work {
    TimedProcess run() throws Exception;
  }
}
