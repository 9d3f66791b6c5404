package dev.lathe.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** The smallest tampering there is: one bit of a stored file, past any header it has. */
public final class TamperedBytes {

  private TamperedBytes() {}

  /** Flips the lowest bit of the byte in the middle of {@code file}. */
  public static void flipAByte(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long at = raf.length() / 2;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x01);
    }
  }
}
