package dev.lathe.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference data made with OpenSSF model-signing 1.1.1 itself, under artifact/interop/golden.
 */
public final class Golden {

  public static final Path DIR = Path.of("interop", "golden").toAbsolutePath();
  public static final Path MODEL = DIR.resolve("model");

  private Golden() {}

  public static String read(String file) {
    try {
      return Files.readString(DIR.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(String file) {
    try {
      return Files.readAllBytes(DIR.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
