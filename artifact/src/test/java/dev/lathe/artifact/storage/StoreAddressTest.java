package dev.lathe.artifact.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreAddressTest {

  @Test
  void survivesTheTripThroughJsonWithEveryField() {
    StoreAddress address =
        StoreAddress.s3("s3://models/team/", "http://minio:9000", "eu-west-1", true, "/creds");
    StoreAddress back = StoreAddress.fromJson(address.toJson());
    assertThat(back).isEqualTo(address);
    assertThat(back.uri()).isEqualTo("s3://models/team");
  }

  @Test
  void resolvesARelativePathInTheUriAndTheLocalDirectory(@TempDir Path dir) {
    StoreAddress address = StoreAddress.directory("pvc://claim/base", dir);
    StoreAddress child = address.resolve("/run-1/");
    assertThat(child.uri()).isEqualTo("pvc://claim/base/run-1");
    assertThat(child.localPath()).isEqualTo(dir.resolve("run-1").toString());
  }

  @Test
  void opensADirectoryAddressAsAFilesystemStore(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.txt"), "hello");
    ArtifactStore store = StoreAddress.directory("pvc://claim", dir).open();
    assertThat(store.read("a.txt"))
        .hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("hello"));
  }

  @Test
  void refusesADirectoryAddressWithoutALocalPath() {
    assertThatThrownBy(() -> new StoreAddress("pvc://claim/x", null, null, null, null, null).open())
        .hasMessageContaining("pvc://claim/x is not reachable from this process");
  }

  @Test
  void opensAnS3AddressOnALoopbackServer() throws Exception {
    try (LoopbackS3 s3 = new LoopbackS3()) {
      s3.store("bucket", "").write("seed", new byte[] {1});
      Path creds = Files.createTempDirectory("creds");
      Files.writeString(creds.resolve("AWS_ACCESS_KEY_ID"), LoopbackS3.ACCESS_KEY);
      Files.writeString(creds.resolve("AWS_SECRET_ACCESS_KEY"), LoopbackS3.SECRET_KEY);
      StoreAddress address =
          StoreAddress.s3("s3://bucket/p", s3.endpoint().toString(), null, true, creds.toString());
      ArtifactStore store = address.open();
      try {
        store.write("x/y.json", "{}".getBytes());
        assertThat(store.uri("x/y.json")).isEqualTo("s3://bucket/p/x/y.json");
        assertThat(address.resolve("x").open().read("y.json")).isPresent();
      } finally {
        StoreAddress.close(store);
      }
    }
  }

  @Test
  void deletesObjectsFromBothKindsOfStoreAndToleratesMissingKeys(@TempDir Path dir)
      throws Exception {
    ArtifactStore local = new FilesystemStore(dir);
    local.write("a/b.bin", new byte[] {1});
    local.delete("a/b.bin");
    local.delete("a/b.bin");
    assertThat(local.read("a/b.bin")).isEmpty();
    try (LoopbackS3 s3 = new LoopbackS3()) {
      S3Store store = s3.store("deletes", "p");
      store.write("x.bin", new byte[] {2});
      store.delete("x.bin");
      store.delete("x.bin");
      assertThat(store.read("x.bin")).isEmpty();
    }
  }

  @Test
  void storeWithACallTimeoutGivesUpOnAnEndpointThatNeverAnswers() throws Exception {
    // Accepts connections and never answers: without a call timeout the SDK would wait out its
    // socket timeout on every one of its retries.
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
      S3Store store =
          S3Store.withCallTimeout(
              S3Location.parse(
                  "s3://bucket/p",
                  java.util.Optional.of(
                      java.net.URI.create("http://127.0.0.1:" + silent.getLocalPort())),
                  null,
                  true),
              LoopbackS3.credentials(),
              java.time.Duration.ofSeconds(1));
      try {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.read("x"))
            .isInstanceOf(java.io.IOException.class)
            .hasRootCauseInstanceOf(
                software.amazon.awssdk.core.exception.ApiCallTimeoutException.class);
      } finally {
        store.close();
      }
    }
  }
}
