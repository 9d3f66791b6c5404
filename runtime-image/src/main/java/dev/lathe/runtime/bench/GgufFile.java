package dev.lathe.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The bench's model as a GGUF file for llama.cpp, converted from the same HF-layout directory Lathe
 * and transformers load, by the conversion command bench.sh gives (bench_llamacpp_convert.py, which
 * runs the convert_hf_to_gguf.py llama-cpp-python vendors). Kept in a cache directory and converted
 * again when the weights are newer than the file.
 */
final class GgufFile {

  private GgufFile() {}

  /**
   * The GGUF of {@code modelDir} at {@code outtype} (f32, f16 or q8_0) in {@code cacheDir},
   * converted by {@code convertCommand MODEL_DIR OUT_FILE OUTTYPE} when missing or stale.
   */
  static Path ensure(String convertCommand, Path modelDir, Path cacheDir, String outtype)
      throws IOException, InterruptedException {
    Path weights = modelDir.resolve("model.safetensors");
    if (!Files.isRegularFile(weights)) {
      throw new IllegalArgumentException("no model.safetensors in " + modelDir);
    }
    Path out = cacheDir.resolve(modelDir.getFileName() + "-" + outtype + ".gguf");
    if (Files.isRegularFile(out)
        && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(weights)) > 0) {
      return out;
    }
    Files.createDirectories(cacheDir);
    // Written beside the target and moved, so an interrupted conversion never leaves a file that
    // the freshness check above would take for a good one.
    Path partial = cacheDir.resolve(out.getFileName() + ".partial");
    Path log = cacheDir.resolve(out.getFileName() + ".log");
    String command = String.join(" ", convertCommand, q(modelDir), q(partial), outtype);
    Process process =
        new ProcessBuilder("bash", "-c", command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (process.waitFor() != 0 || !Files.isRegularFile(partial)) {
      throw new IllegalStateException(
          "GGUF conversion of " + modelDir + " to " + outtype + " failed; its output: " + log);
    }
    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return out;
  }

  private static String q(Path path) {
    return "'" + path.toString().replace("'", "'\\''") + "'";
  }
}
