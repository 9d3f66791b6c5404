package dev.lathe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The run whose classes the build archives for class-data sharing ({@code cli/pom.xml} runs it
 * under {@code -XX:ArchiveClassesAtExit}; {@code bin/lathe} maps the archive): keys, sign and
 * verify on a one-file model, the commands a short-lived lathe process runs most. A JVM that maps
 * the archive skips parsing and verifying those classes, about a quarter of {@code lathe sign}'s
 * CPU before it hashes a byte.
 */
final class ClassDataTraining {

  private ClassDataTraining() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("lathe-class-data-");
    try {
      Path model = Files.createDirectories(dir.resolve("model"));
      Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\"}");
      Files.write(model.resolve("model.safetensors"), new byte[1 << 20]);
      String privateKey = dir.resolve("key.pem").toString();
      String publicKey = dir.resolve("key.pub").toString();
      run("keys", "generate", "--private-key", privateKey, "--public-key", publicKey);
      run("sign", model.toString(), "--key", privateKey);
      run("verify", model.toString(), "-k", publicKey);
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static void run(String... args) {
    CommandLine commandLine = LatheCommand.commandLine(args);
    commandLine.setOut(new PrintWriter(Writer.nullWriter()));
    int code = commandLine.execute(args);
    if (code != ExitCodes.OK) {
      throw new IllegalStateException("lathe " + String.join(" ", args) + " exited " + code);
    }
  }
}
