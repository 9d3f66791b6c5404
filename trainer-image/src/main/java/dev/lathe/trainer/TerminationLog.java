package dev.lathe.trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The pod's termination message: Kubernetes shows at most 4096 bytes of the file, so what is
 * written here is cut to fit, on a character boundary, rather than cut by the kubelet mid-word.
 */
final class TerminationLog {

  /** Kubernetes' limit on a container's termination message. */
  static final int KUBERNETES_LIMIT_BYTES = 4096;

  /** Room left under the limit, so a message is never at the kubelet's edge. */
  static final int MAX_BYTES = 4000;

  private static final String CUT = " …";

  private final Path file;
  private final PrintStream err;

  TerminationLog(Path file, PrintStream err) {
    this.file = file;
    this.err = err;
  }

  static TerminationLog from(Map<String, String> env, PrintStream err) {
    return new TerminationLog(
        Path.of(env.getOrDefault(TrainerContract.TERMINATION_LOG, "/dev/termination-log")), err);
  }

  Path file() {
    return file;
  }

  /** Reports a failure on stderr and in the termination log; returns the exit status, 1. */
  int fail(String message) {
    err.println("trainer: " + message);
    write(truncate(message, MAX_BYTES));
    return 1;
  }

  /** Writes the termination message; a missing /dev/termination-log (outside a pod) is ignored. */
  void write(String message) {
    try {
      if (Files.isWritable(file) || Files.isWritable(file.toAbsolutePath().getParent())) {
        Files.writeString(file, message);
      }
    } catch (IOException | RuntimeException e) {
      err.println("trainer: cannot write the termination log " + file + ": " + e.getMessage());
    }
  }

  /** {@code text} cut to at most {@code maxBytes} of UTF-8, marked as cut when it was. */
  static String truncate(String text, int maxBytes) {
    if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return text;
    }
    int room = maxBytes - CUT.getBytes(StandardCharsets.UTF_8).length;
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer out = ByteBuffer.allocate(Math.max(0, room));
    CharBuffer in = CharBuffer.wrap(text);
    // The encoder stops before a character that does not fit whole, so no sequence is split.
    encoder.encode(in, out, true);
    return text.substring(0, in.position()) + CUT;
  }
}
