package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MountPathRewriterTest {

  private final MountPathRewriter rewriter =
      new MountPathRewriter(
          Map.of(
              "/data", Path.of("/tmp/sb/volumes/data"),
              "/data/cache/", Path.of("/tmp/sb/volumes/cache"),
              "/dev/termination-log", Path.of("/tmp/sb/train.termination-log"),
              "/", Path.of("/tmp/sb/volumes/root")));

  @Test
  void aValueThatIsOrStartsWithAMountPathBecomesTheLocalPath() {
    assertThat(rewriter.rewrite("/data")).isEqualTo("/tmp/sb/volumes/data");
    assertThat(rewriter.rewrite("/data/model/weights.bin"))
        .isEqualTo("/tmp/sb/volumes/data/model/weights.bin");
    assertThat(rewriter.rewrite("/dev/termination-log")).isEqualTo("/tmp/sb/train.termination-log");
  }

  @Test
  void theLongestMountPathWins() {
    assertThat(rewriter.rewrite("/data/cache/x")).isEqualTo("/tmp/sb/volumes/cache/x");
  }

  @Test
  void pathsInsideFlagsJsonAndPathListsAreRewrittenToo() {
    assertThat(rewriter.rewrite("--output=/data/out"))
        .isEqualTo("--output=/tmp/sb/volumes/data/out");
    assertThat(rewriter.rewrite("{\"localPath\":\"/data/m\"}"))
        .isEqualTo("{\"localPath\":\"/tmp/sb/volumes/data/m\"}");
    assertThat(rewriter.rewrite("/opt/a:/data/b")).isEqualTo("/opt/a:/tmp/sb/volumes/data/b");
    assertThat(rewriter.rewrite("echo x > /data/f")).isEqualTo("echo x > /tmp/sb/volumes/data/f");
  }

  @Test
  void onlyWholePathSegmentsMatchAndTheRootMountIsIgnored() {
    assertThat(rewriter.rewrite("/database")).isEqualTo("/database");
    assertThat(rewriter.rewrite("s3://bucket/data/x")).isEqualTo("s3://bucket/data/x");
    assertThat(rewriter.rewrite("/usr/bin/java")).isEqualTo("/usr/bin/java");
    assertThat(rewriter.rewrite("no paths here")).isEqualTo("no paths here");
  }
}
