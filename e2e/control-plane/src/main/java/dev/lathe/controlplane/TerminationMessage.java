package dev.lathe.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A terminated container's {@code message}, with the kubelet's limits: the termination message file
 * (at most 4096 bytes), or — when that is empty, the container failed and its policy is {@code
 * FallbackToLogsOnError} — the end of its log (the last 80 lines, at most 2048 bytes).
 */
final class TerminationMessage {

  static final int MAX_FILE_BYTES = 4096;
  static final int MAX_LOG_BYTES = 2048;
  static final int MAX_LOG_LINES = 80;

  private TerminationMessage() {}

  static String read(Path file, String policy, int exitCode, Path log) {
    String message = head(file, MAX_FILE_BYTES);
    if (message.isEmpty() && exitCode != 0 && "FallbackToLogsOnError".equals(policy)) {
      return logTail(log);
    }
    return message;
  }

  private static String head(Path file, int maxBytes) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(maxBytes), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String logTail(Path log) {
    if (!Files.isRegularFile(log)) {
      return "";
    }
    try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
      long length = in.length();
      int size = (int) Math.min(length, MAX_LOG_BYTES);
      byte[] bytes = new byte[size];
      in.seek(length - size);
      in.readFully(bytes);
      String tail = new String(bytes, StandardCharsets.UTF_8);
      String[] lines = tail.split("\n", -1);
      int keep = tail.endsWith("\n") ? MAX_LOG_LINES + 1 : MAX_LOG_LINES;
      return lines.length <= keep
          ? tail
          : String.join("\n", Arrays.copyOfRange(lines, lines.length - keep, lines.length));
    } catch (IOException e) {
      return "";
    }
  }
}
