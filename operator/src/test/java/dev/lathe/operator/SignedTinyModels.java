package dev.lathe.operator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.lora.LoraConfig;
import dev.lathe.engine.tinybase.TinyBaseModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The tiny base and LoRA adapters on it, published and signed into a store as the operator would
 * publish them: an adapter's signed provenance names the base by digest, which the runtime checks
 * before it serves the adapter on that base. The adapters are freshly initialised (not trained):
 * what tests need of them is that they are distinct, signed PEFT artifacts.
 */
final class SignedTinyModels {

  private final KeyPair key;
  private final Path base;

  SignedTinyModels(KeyPair key) {
    this.key = key;
    this.base = TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
  }

  /** Publishes the tiny base at the store's root; returns its manifest digest. */
  String publishBase(ArtifactStore store, String name) {
    try {
      return new ArtifactPublisher(store)
          .publish(base, name, "", ModelHasher.files(), key, Optional.empty())
          .manifestDigest();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Publishes the tiny base with one more file beside its weights ({@code note} in NOTES.md): a
   * version that answers exactly as the base does under another manifest digest, as a retrained
   * model with the same answers would.
   */
  String publishBaseWithNote(ArtifactStore store, String name, String note) {
    try {
      Path copy = Files.createTempDirectory("lathe-base-" + name);
      try (var files = Files.list(base)) {
        for (Path file : files.toList()) {
          Files.copy(file, copy.resolve(file.getFileName()));
        }
      }
      Files.writeString(copy.resolve("NOTES.md"), note);
      return new ArtifactPublisher(store)
          .publish(copy, name, "", ModelHasher.files(), key, Optional.empty())
          .manifestDigest();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Publishes a LoRA adapter (seed {@code seed}) on the base published at {@code baseUri} with
   * {@code baseDigest}; returns the adapter's manifest digest.
   */
  String publishAdapter(
      ArtifactStore store, String name, long seed, String baseUri, String baseDigest) {
    return publishAdapter(store, name, seed, baseUri, baseDigest, 0);
  }

  /**
   * As {@link #publishAdapter(ArtifactStore, String, long, String, String)}, with Gaussian noise of
   * standard deviation {@code noise} added to every LoRA weight: a fresh adapter (B = 0) answers as
   * the base does; a noisy one answers otherwise, a worse version for a gate to catch.
   */
  String publishAdapter(
      ArtifactStore store,
      String name,
      long seed,
      String baseUri,
      String baseDigest,
      double noise) {
    try {
      Path directory = Files.createTempDirectory("lathe-adapter-" + name);
      ModelConfig config = ModelConfig.read(base.resolve("config.json"));
      try (NDManager manager = NDManager.newBaseManager();
          LoraAdapter adapter =
              LoraAdapter.initialise(
                  new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj"), "tiny-base"),
                  config,
                  seed,
                  manager)) {
        if (noise > 0) {
          manager.getEngine().setRandomSeed((int) seed);
          for (NDArray weight : adapter.parameters()) {
            weight.addi(manager.randomNormal(weight.getShape()).mul(noise));
          }
        }
        adapter.save(directory);
      }
      ArtifactPublisher publisher = new ArtifactPublisher(store);
      Manifest manifest = publisher.upload(directory, name, "", ModelHasher.files());
      publisher.sign("", key, Optional.of(provenance(name, manifest, baseUri, baseDigest)));
      return manifest.digestString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Provenance provenance(
      String name, Manifest manifest, String baseUri, String baseDigest) {
    return new Provenance(
        name,
        manifest.digestString().substring("sha256:".length()),
        "https://lathe.dev/operator@test",
        new Provenance.JobReference("serving-gw", name, "uid-" + name, 1),
        "sha256:" + "ab".repeat(32),
        null,
        List.of(
            new Provenance.Dependency(
                Provenance.BASE_MODEL, baseUri, baseDigest.substring("sha256:".length())),
            new Provenance.Dependency(Provenance.DATASET, "file:///data.jsonl", "cd".repeat(32))),
        Instant.parse("2026-12-01T10:00:00Z"),
        Instant.parse("2026-12-01T11:00:00Z"));
  }
}
