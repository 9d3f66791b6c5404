package dev.lathe.artifact.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestsTest {

  private static byte[] sha256(byte[] bytes, int from, int to) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    digest.update(bytes, from, to - from);
    return digest.digest();
  }

  @Test
  void aMappedRangeAcrossSeveralWindowsDigestsExactlyItsBytes(@TempDir Path dir) throws Exception {
    byte[] bytes = new byte[1_000_003];
    new Random(3).nextBytes(bytes);
    Path file = Files.write(dir.resolve("weights.bin"), bytes);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");

    long fed = FileDigests.mapped(file, 17, 999_990, digest, 65_536);

    assertThat(fed).isEqualTo(999_990 - 17);
    assertThat(digest.digest()).isEqualTo(sha256(bytes, 17, 999_990));
  }

  @Test
  void aMappedRangeBeyondTheEndOfTheFileFeedsOnlyTheBytesThereAre(@TempDir Path dir)
      throws Exception {
    byte[] bytes = new byte[1000];
    new Random(5).nextBytes(bytes);
    Path file = Files.write(dir.resolve("short.bin"), bytes);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");

    long fed = FileDigests.mapped(file, 600, 5000, digest);

    assertThat(fed).isEqualTo(400);
    assertThat(digest.digest()).isEqualTo(sha256(bytes, 600, 1000));
  }

  @Test
  void aStreamDigestsTheSameAsTheMappedFile(@TempDir Path dir) throws Exception {
    byte[] bytes = new byte[700_001];
    new Random(9).nextBytes(bytes);
    Path file = Files.write(dir.resolve("weights.bin"), bytes);
    MessageDigest mapped = MessageDigest.getInstance("SHA-256");
    MessageDigest streamed = MessageDigest.getInstance("SHA-256");

    FileDigests.mapped(file, 0, bytes.length, mapped);
    long fed = FileDigests.streamed(new ByteArrayInputStream(bytes), streamed);

    assertThat(fed).isEqualTo(bytes.length);
    assertThat(streamed.digest()).isEqualTo(mapped.digest());
  }
}
