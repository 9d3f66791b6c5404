package dev.lathe.artifact.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one rule every component applies before a tenant's path touches storage, and the claim
 * confinement built on it: a table of hostile paths, each refused, and symbolic links a pod could
 * plant, each refused before anything is read, written or deleted through them.
 */
class StoragePathsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "pvc://scratch/../../victim/models/prod",
        "pvc://scratch/..",
        "pvc://scratch/a/../../b",
        "pvc://scratch/./models",
        "pvc://scratch//victim",
        "pvc://scratch/%2e%2e/victim",
        "pvc://scratch/%2E%2E%2Fvictim",
        "pvc://scratch/models\\..\\..\\victim",
        "pvc://scratch/a\u0000b",
        "pvc://../victim",
        "pvc:///etc/passwd",
        "pvc://Scratch/models",
        "pvc://scratch/a/./b",
      })
  void hostileClaimUrisAreRefused(String uri) {
    assertThatThrownBy(() -> ClaimUri.parse(uri))
        .isInstanceOf(StoragePaths.UnsafeStoragePath.class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "s3://models/attacker/../victim",
        "s3://models/..",
        "s3://models/./victim",
        "s3://models/a//b",
        "s3://models/%2e%2e/victim",
        "s3://models/a\\b",
      })
  void hostileS3PrefixesAreRefused(String uri) {
    // A backslash is not even a URI character: the URI parser refuses it first.
    assertThatThrownBy(() -> S3Location.parse(uri, java.util.Optional.empty(), null, false))
        .isInstanceOfAny(StoragePaths.UnsafeStoragePath.class, IllegalArgumentException.class);
  }

  @Test
  void ordinaryPathsPassUnchanged() {
    assertThat(ClaimUri.parse("pvc://scratch/models/v1.2/...hidden..ok/"))
        .isEqualTo(new ClaimUri("scratch", "models/v1.2/...hidden..ok"));
    assertThat(ClaimUri.parse("pvc://scratch")).isEqualTo(new ClaimUri("scratch", ""));
    assertThat(ClaimUri.parse("pvc://scratch/.cache/a").path()).isEqualTo(".cache/a");
    assertThat(
            S3Location.parse("s3://models/team-a/v1/", java.util.Optional.empty(), null, false)
                .prefix())
        .isEqualTo("team-a/v1");
  }

  @Test
  void aStoreAddressRefusesARelativePathThatClimbs(@TempDir Path dir) {
    StoreAddress address = StoreAddress.directory("pvc://claim/base", dir.resolve("base"));
    assertThatThrownBy(() -> address.resolve("../../other"))
        .isInstanceOf(StoragePaths.UnsafeStoragePath.class);
  }

  @Test
  void aClaimPathThatIsASymbolicLinkOutOfTheClaimIsRefused(@TempDir Path dir) throws IOException {
    Path victim = Files.createDirectories(dir.resolve("victim/models/prod"));
    Files.writeString(victim.resolve("model.safetensors"), "the victim's weights");
    Path claim = Files.createDirectories(dir.resolve("attacker/scratch"));
    Files.createSymbolicLink(claim.resolve("models"), victim);

    assertThatThrownBy(() -> ClaimUri.parse("pvc://scratch/models").openUnder(claim))
        .isInstanceOf(StoragePaths.UnsafeStoragePath.class)
        .hasMessageContaining("symbolic link");
    assertThat(victim.resolve("model.safetensors")).hasContent("the victim's weights");
  }

  @Test
  void aLinkPlantedInsideTheStoreIsNeverFollowedToReadWriteOrDelete(@TempDir Path dir)
      throws IOException {
    Path victim = Files.createDirectories(dir.resolve("victim"));
    Files.writeString(victim.resolve("model.sig"), "victim signature");
    Path claim = Files.createDirectories(dir.resolve("scratch"));
    Files.createDirectories(claim.resolve("out"));
    Files.createSymbolicLink(claim.resolve("out/lathe"), victim);
    Files.createSymbolicLink(claim.resolve("out/model.sig"), victim.resolve("model.sig"));
    FilesystemStore store = ClaimUri.parse("pvc://scratch/out").openUnder(claim);

    assertThatThrownBy(() -> store.read("model.sig"))
        .isInstanceOf(StoragePaths.UnsafeStoragePath.class);
    assertThatThrownBy(() -> store.write("lathe/model.sig", new byte[] {1}))
        .isInstanceOf(StoragePaths.UnsafeStoragePath.class);
    assertThatThrownBy(() -> store.delete("lathe/model.sig"))
        .isInstanceOf(StoragePaths.UnsafeStoragePath.class);
    assertThatThrownBy(() -> store.list(""))
        .isInstanceOf(dev.lathe.artifact.ArtifactException.class);
    assertThat(victim.resolve("model.sig")).hasContent("victim signature");
  }

  @Test
  void aPodAddressWhoseLocalPathClimbsIsRefused(@TempDir Path dir) {
    StoreAddress forged =
        new StoreAddress(
            "pvc://scratch/models",
            null,
            null,
            null,
            null,
            dir.resolve("mnt/scratch/../../victim/models").toString());
    assertThatThrownBy(forged::open).isInstanceOf(StoragePaths.UnsafeStoragePath.class);
  }

  @Test
  void aPodAddressRefusesALinkBetweenTheClaimsMountAndItsPath(@TempDir Path dir)
      throws IOException {
    Path victim = Files.createDirectories(dir.resolve("victim"));
    Path mount = Files.createDirectories(dir.resolve("mnt/scratch"));
    Files.createSymbolicLink(mount.resolve("team"), victim);
    StoreAddress address =
        new StoreAddress(
            "pvc://scratch/team/models",
            null,
            null,
            null,
            null,
            mount.resolve("team/models").toString());
    assertThatThrownBy(address::open).isInstanceOf(StoragePaths.UnsafeStoragePath.class);
  }

  @Test
  void aPodAddressOpensInsideItsClaim(@TempDir Path dir) throws IOException {
    Path mount = Files.createDirectories(dir.resolve("mnt/scratch/models"));
    Files.writeString(mount.resolve("a.txt"), "ok");
    ArtifactStore store =
        new StoreAddress("pvc://scratch/models", null, null, null, null, mount.toString()).open();
    assertThat(store.read("a.txt")).hasValueSatisfying(b -> assertThat(b).hasSize(2));
  }
}
