package dev.lathe.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.runtime.verify.LocalModelVerifier;
import dev.lathe.runtime.verify.StoreLocations;
import dev.lathe.runtime.verify.TrustedKeys;
import dev.lathe.runtime.verify.VerifiedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter list against real signed artifacts in a filesystem store: signatures, digests and
 * provenance are verified for real; the adapters' weights are small made-up files, since nothing
 * here loads them (the server's {@link AdapterDirectory} does, and verifies them again).
 */
class AdapterListSyncTest {

  private static final String BASE_DIGEST = "sha256:" + "0b".repeat(32);
  private static final String OTHER_BASE_DIGEST = "sha256:" + "0c".repeat(32);

  @TempDir Path work;
  private KeyPair key;
  private FilesystemStore store;
  private LocalModelVerifier verifier;
  private Path listFile;
  private Path modelsDir;
  private final List<String> refusals = new ArrayList<>();
  private final List<java.util.Map<String, Integer>> published = new ArrayList<>();
  private final java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws IOException {
    key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    Path keys = Files.createDirectories(work.resolve("trusted-keys"));
    Files.writeString(keys.resolve("operator.pem"), SigningKeys.publicKeyPem(key.getPublic()));
    verifier = new LocalModelVerifier(TrustedKeys.fromDirectory(keys), "ml-platform");
    store = new FilesystemStore(work.resolve("store"));
    listFile = work.resolve("config/adapters.json");
    modelsDir = work.resolve("models");
    Files.createDirectories(listFile.getParent());
  }

  @Test
  void aListedAdapterIsVerifiedAndMovedIntoTheAdaptersDirectory() throws IOException {
    Published support = publishAdapter("support", BASE_DIGEST, "one");
    writeList(entry("support", support));

    AdapterListSync.Snapshot snapshot = sync().sync();

    assertThat(snapshot.listError()).isNull();
    AdapterListSync.AdapterState state = snapshot.adapters().get(0);
    assertThat(state.state()).isEqualTo(AdapterListSync.State.INSTALLED);
    assertThat(state.installedDigest()).contains(support.digest);
    assertThat(adapters().resolve("support").resolve(ArtifactLayout.SIGNATURE)).isRegularFile();
    assertThat(verifier.verify(adapters().resolve("support")).manifestDigest())
        .isEqualTo(support.digest);
    assertThat(staged()).isEmpty();
  }

  @Test
  void aCanaryIsInstalledBesideItsStableAndItsWeightIsPublishedOnceInstalled() throws IOException {
    Published v1 = publishAdapter("support-v1", BASE_DIGEST, "one");
    Published v2 = publishAdapter("support-v2", BASE_DIGEST, "two");
    AdapterListSync sync = sync();
    sync.onSplits(published::add);
    writeList(withCanary("support", v1, v2, 20));

    AdapterListSync.Snapshot snapshot = sync.sync();

    assertThat(snapshot.adapters())
        .extracting(AdapterListSync.AdapterState::name, AdapterListSync.AdapterState::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("support", AdapterListSync.State.INSTALLED),
            org.assertj.core.groups.Tuple.tuple("support@canary", AdapterListSync.State.INSTALLED));
    assertThat(verifier.verify(adapters().resolve("support@canary")).manifestDigest())
        .isEqualTo(v2.digest);
    assertThat(published).last().isEqualTo(java.util.Map.of("support", 20));
  }

  @Test
  void aRefusedCanaryPublishesNoSplitSoEveryRequestStaysOnStable() throws IOException {
    Published v1 = publishAdapter("support-v1", BASE_DIGEST, "one");
    Published v2 = publishAdapter("support-v2", BASE_DIGEST, "two");
    flipAByte(work.resolve("store/models/support-v2/adapter_model.safetensors"));
    AdapterListSync sync = sync();
    sync.onSplits(published::add);
    writeList(withCanary("support", v1, v2, 50));

    AdapterListSync.Snapshot snapshot = sync.sync();

    assertThat(snapshot.adapters().get(1).state()).isEqualTo(AdapterListSync.State.REFUSED);
    assertThat(published).last().isEqualTo(java.util.Map.of());
    assertThat(adapters().resolve("support@canary")).doesNotExist();
  }

  @Test
  void droppingTheCanaryFromTheEntryRemovesItAndItsSplit() throws IOException {
    Published v1 = publishAdapter("support-v1", BASE_DIGEST, "one");
    Published v2 = publishAdapter("support-v2", BASE_DIGEST, "two");
    AdapterListSync sync = sync();
    sync.onSplits(published::add);
    writeList(withCanary("support", v1, v2, 20));
    sync.sync();

    writeList(entry("support", v1));
    sync.sync();

    assertThat(listing(adapters())).containsExactly("support");
    assertThat(published).last().isEqualTo(java.util.Map.of());
  }

  @Test
  void anAdapterNoLongerListedIsRemovedAndOthersStay() throws IOException {
    Published one = publishAdapter("one", BASE_DIGEST, "one");
    Published two = publishAdapter("two", BASE_DIGEST, "two");
    AdapterListSync sync = sync();
    writeList(entry("one", one), entry("two", two));
    sync.sync();
    assertThat(adapters().resolve("two")).isDirectory();

    writeList(entry("one", one));
    AdapterListSync.Snapshot snapshot = sync.sync();

    assertThat(adapters().resolve("two")).doesNotExist();
    assertThat(adapters().resolve("one")).isDirectory();
    assertThat(listing(adapters())).containsExactly("one");
    assertThat(snapshot.adapters())
        .extracting(AdapterListSync.AdapterState::name)
        .containsExactly("one");
  }

  @Test
  void aTamperedAdapterIsRefusedNeverEntersTheAdaptersDirectoryAndIsNotFetchedAgain()
      throws IOException {
    Published support = publishAdapter("support", BASE_DIGEST, "one");
    flipAByte(work.resolve("store/models/support/adapter_model.safetensors"));
    writeList(entry("support", support));
    AdapterListSync sync = sync();

    AdapterListSync.AdapterState state = sync.sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.REFUSED);
    assertThat(state.failure()).isEqualTo("DIGEST_MISMATCH");
    assertThat(state.message()).contains("adapter_model.safetensors");
    assertThat(state.installedDigest()).isEmpty();
    assertThat(adapters().resolve("support")).doesNotExist();
    assertThat(staged()).isEmpty();
    sync.sync();
    assertThat(refusals).containsExactly("support:DIGEST_MISMATCH");
  }

  @Test
  void anAdapterSignedWithAnotherDigestThanListedIsRefused() throws IOException {
    Published support = publishAdapter("support", BASE_DIGEST, "one");
    Published other = publishAdapter("other", BASE_DIGEST, "other bytes");
    writeList(
        "{\"adapters\":[{\"name\":\"support\",\"uri\":\""
            + support.uri
            + "\",\"manifestDigest\":\""
            + other.digest
            + "\"}]}");

    AdapterListSync.AdapterState state = sync().sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.REFUSED);
    assertThat(state.failure()).isEqualTo("DIGEST_MISMATCH");
    assertThat(state.message()).contains("the adapter list expects " + other.digest);
    assertThat(adapters().resolve("support")).doesNotExist();
  }

  @Test
  void anAdapterTrainedOnAnotherBaseIsRefused() throws IOException {
    Published foreign = publishAdapter("foreign", OTHER_BASE_DIGEST, "one");
    writeList(entry("foreign", foreign));

    AdapterListSync.AdapterState state = sync().sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.REFUSED);
    assertThat(state.failure()).isEqualTo("PROVENANCE_MISMATCH");
    assertThat(adapters().resolve("foreign")).doesNotExist();
  }

  @Test
  void anAdapterWithoutASignatureIsRefusedAsUnsigned() throws IOException {
    Path unsigned = Files.createDirectories(work.resolve("unsigned"));
    Files.writeString(unsigned.resolve("adapter_config.json"), "{}");
    writeList(
        "{\"adapters\":[{\"name\":\"unsigned\",\"uri\":\""
            + unsigned.toUri()
            + "\",\"manifestDigest\":\""
            + BASE_DIGEST
            + "\"}]}");

    AdapterListSync.AdapterState state = sync().sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.REFUSED);
    assertThat(state.failure()).isEqualTo("UNSIGNED");
    assertThat(adapters().resolve("unsigned")).doesNotExist();
  }

  @Test
  void aChangedEntryWhoseNewVersionIsRefusedKeepsTheVerifiedOldVersionServed() throws IOException {
    Published v1 = publishAdapter("support-v1", BASE_DIGEST, "one");
    Published v2 = publishAdapter("support-v2", BASE_DIGEST, "two");
    flipAByte(work.resolve("store/models/support-v2/adapter_model.safetensors"));
    AdapterListSync sync = sync();
    writeList(entry("support", v1));
    sync.sync();

    writeList(entry("support", v2));
    AdapterListSync.AdapterState state = sync.sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.REFUSED);
    assertThat(state.installedDigest()).contains(v1.digest);
    assertThat(verifier.verify(adapters().resolve("support")).manifestDigest())
        .isEqualTo(v1.digest);
  }

  @Test
  void aChangedEntryReplacesTheAdapterWithTheNewVerifiedVersion() throws IOException {
    Published v1 = publishAdapter("support-v1", BASE_DIGEST, "one");
    Published v2 = publishAdapter("support-v2", BASE_DIGEST, "two");
    AdapterListSync sync = sync();
    writeList(entry("support", v1));
    sync.sync();

    writeList(entry("support", v2));
    AdapterListSync.AdapterState state = sync.sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.INSTALLED);
    assertThat(verifier.verify(adapters().resolve("support")).manifestDigest())
        .isEqualTo(v2.digest);
    assertThat(listing(adapters())).containsExactly("support");
  }

  @Test
  void anUnreadableListChangesNothingAndSaysWhy() throws IOException {
    Published support = publishAdapter("support", BASE_DIGEST, "one");
    AdapterListSync sync = sync();
    writeList(entry("support", support));
    sync.sync();

    writeList("{\"adapters\": [ {\"name\": \"support\"");
    AdapterListSync.Snapshot snapshot = sync.sync();

    assertThat(snapshot.listError()).contains("is not JSON");
    assertThat(snapshot.adapters())
        .extracting(AdapterListSync.AdapterState::state)
        .containsExactly(AdapterListSync.State.INSTALLED);
    assertThat(adapters().resolve("support")).isDirectory();
  }

  @Test
  void aRestartedServerAdoptsVerifiedAdaptersWithoutFetchingThemAgain() throws IOException {
    Published support = publishAdapter("support", BASE_DIGEST, "one");
    writeList(entry("support", support));
    sync().sync();
    deleteRecursively(work.resolve("store"));

    AdapterListSync.AdapterState state = sync().sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.INSTALLED);
    assertThat(adapters().resolve("support")).isDirectory();
  }

  @Test
  void aLeftoverDirectoryThatNoLongerVerifiesIsRemovedAtStart() throws IOException {
    Published support = publishAdapter("support", BASE_DIGEST, "one");
    writeList(entry("support", support));
    sync().sync();
    flipAByte(adapters().resolve("support/adapter_model.safetensors"));
    writeList("{\"adapters\": []}");

    sync().sync();

    assertThat(listing(adapters())).isEmpty();
  }

  @Test
  void aStoreErrorIsReportedAsFailedAndTriedAgainAtTheNextSync() throws IOException {
    Published support = publishAdapter("support", BASE_DIGEST, "one");
    // The filesystem store refuses to list a prefix holding a symbolic link: a storage error.
    Path link = work.resolve("store/models/support/link");
    Files.createSymbolicLink(link, work.resolve("src"));
    writeList(entry("support", support));
    AdapterListSync sync = sync();

    AdapterListSync.AdapterState failed = sync.sync().adapters().get(0);
    Files.delete(link);
    AdapterListSync.AdapterState retried = sync.sync().adapters().get(0);

    assertThat(failed.state()).isEqualTo(AdapterListSync.State.FAILED);
    assertThat(failed.message()).contains("symbolic link in store");
    assertThat(retried.state()).isEqualTo(AdapterListSync.State.INSTALLED);
    assertThat(adapters().resolve("support")).isDirectory();
    assertThat(refusals).isEmpty();
  }

  @Test
  void nothingAtTheListedLocationIsRefusedAsUnsigned() throws IOException {
    writeList(
        "{\"adapters\":[{\"name\":\"ghost\",\"uri\":\""
            + work.resolve("nowhere").toUri()
            + "\",\"manifestDigest\":\""
            + BASE_DIGEST
            + "\"}]}");

    AdapterListSync.AdapterState state = sync().sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.REFUSED);
    assertThat(state.failure()).isEqualTo("UNSIGNED");
  }

  @Test
  void anAdapterMayNotTakeTheBaseModelsName() throws IOException {
    Published support = publishAdapter("support", BASE_DIGEST, "one");
    writeList(entry("tiny-base", support));

    AdapterListSync.AdapterState state = sync().sync().adapters().get(0);

    assertThat(state.state()).isEqualTo(AdapterListSync.State.REFUSED);
    assertThat(state.failure()).isEqualTo("NAME_TAKEN");
    assertThat(adapters().resolve("tiny-base")).doesNotExist();
  }

  // --- helpers

  private record Published(String uri, String digest) {}

  private AdapterListSync sync() {
    return new AdapterListSync(
        listFile,
        adapters(),
        modelsDir.resolve(".adapter-staging"),
        new StoreLocations(Optional.empty(), "us-east-1", false, null),
        verifier,
        new VerifiedModel(
            modelsDir.resolve("model"), BASE_DIGEST, "key", "tiny-base", Optional.empty()),
        "tiny-base",
        new PrintStream(logged, true),
        Clock.systemUTC(),
        (adapter, failure) -> refusals.add(adapter + ":" + failure));
  }

  private Path adapters() {
    return modelsDir.resolve("adapters");
  }

  private List<String> staged() throws IOException {
    Path staging = modelsDir.resolve(".adapter-staging");
    return Files.isDirectory(staging) ? listing(staging) : List.of();
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A PEFT-shaped adapter, signed, its provenance naming {@code baseDigest} as its base. */
  private Published publishAdapter(String prefixName, String baseDigest, String weights)
      throws IOException {
    Path dir = Files.createDirectories(work.resolve("src").resolve(prefixName));
    Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\":\"LORA\",\"r\":8}");
    Files.writeString(dir.resolve("adapter_model.safetensors"), "weights: " + weights);
    String prefix = "models/" + prefixName;
    ArtifactPublisher publisher = new ArtifactPublisher(store);
    Manifest manifest = publisher.upload(dir, prefixName, prefix, ModelHasher.files());
    ArtifactPublisher.Published published =
        publisher.sign(
            prefix, key, Optional.of(provenance(prefixName, manifest.digestString(), baseDigest)));
    return new Published(store.uri(prefix), published.manifestDigest());
  }

  private static Provenance provenance(String name, String digest, String baseDigest) {
    return new Provenance(
        name,
        digest.substring("sha256:".length()),
        "https://lathe.dev/operator@test",
        new Provenance.JobReference("ml-platform", name, "uid-1", 1),
        "sha256:" + "ab".repeat(32),
        null,
        List.of(
            new Provenance.Dependency(
                Provenance.BASE_MODEL, "file:///base", baseDigest.substring("sha256:".length()))),
        Instant.parse("2026-11-25T10:00:00Z"),
        Instant.parse("2026-11-25T11:00:00Z"));
  }

  private static String entry(String name, Published published) {
    return "{\"name\":\""
        + name
        + "\",\"uri\":\""
        + published.uri
        + "\",\"manifestDigest\":\""
        + published.digest
        + "\"}";
  }

  private static String withCanary(String name, Published stable, Published canary, int weight) {
    String entry = entry(name, stable);
    return entry.substring(0, entry.length() - 1)
        + ",\"canary\":{\"uri\":\""
        + canary.uri
        + "\",\"manifestDigest\":\""
        + canary.digest
        + "\",\"weight\":"
        + weight
        + "}}";
  }

  private void writeList(String... entries) throws IOException {
    if (entries.length == 1 && entries[0].startsWith("{\"adapters")) {
      Files.writeString(listFile, entries[0]);
      return;
    }
    Files.writeString(listFile, "{\"adapters\":[" + String.join(",", entries) + "]}");
  }

  private static void flipAByte(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(0);
      int b = raf.read();
      raf.seek(0);
      raf.write(b ^ 0x01);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
