package dev.lathe.runtime.model;

import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.runtime.verify.AdapterCompatibility;
import dev.lathe.runtime.verify.LocalModelVerifier;
import dev.lathe.runtime.verify.VerifiedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Keeps the registry in step with a directory of adapters, one subdirectory each (named as the
 * "model" requests select): a new subdirectory is verified against the trust policy, checked to
 * have been trained on the served base, and loaded; a removed one is unloaded. No restart. A
 * subdirectory that fails verification is not loaded and not retried until its signature changes.
 */
public final class AdapterDirectory {

  private final Path directory;
  private final LocalModelVerifier verifier;
  private final ServedBase base;
  private final AdapterRegistry registry;
  private final Consumer<ServedAdapter> retire;
  private final PrintStream log;
  private final Map<String, FileTime> loadedSignatures = new HashMap<>();
  private final Map<String, FileTime> refused = new HashMap<>();

  public AdapterDirectory(
      Path directory,
      LocalModelVerifier verifier,
      ServedBase base,
      AdapterRegistry registry,
      Consumer<ServedAdapter> retire,
      PrintStream log) {
    this.directory = directory;
    this.verifier = verifier;
    this.base = base;
    this.registry = registry;
    this.retire = retire;
    this.log = log;
  }

  /** Loads what appeared, unloads what disappeared; returns how many adapters are loaded. */
  public synchronized int scan() {
    Map<String, FileTime> present = new HashMap<>();
    if (Files.isDirectory(directory)) {
      try (Stream<Path> entries = Files.list(directory)) {
        for (Path entry : entries.toList()) {
          String name = entry.getFileName().toString();
          Path signature = entry.resolve(ArtifactLayout.SIGNATURE);
          if (Files.isDirectory(entry) && !name.startsWith(".") && Files.isRegularFile(signature)) {
            present.put(name, Files.getLastModifiedTime(signature));
          }
        }
      } catch (IOException e) {
        log.println("cannot list adapters in " + directory + ": " + e.getMessage());
        return registry.list().size();
      }
    }
    for (String name : new HashSet<>(loadedSignatures.keySet())) {
      if (!present.containsKey(name) || !present.get(name).equals(loadedSignatures.get(name))) {
        loadedSignatures.remove(name);
        registry.remove(name).ifPresent(retire);
        log.println("adapter " + name + " unloaded");
      }
    }
    refused.keySet().retainAll(present.keySet());
    for (Map.Entry<String, FileTime> entry : present.entrySet()) {
      String name = entry.getKey();
      if (loadedSignatures.containsKey(name) || entry.getValue().equals(refused.get(name))) {
        continue;
      }
      if (name.equals(base.name())) {
        log.println("adapter " + name + " not loaded: the base model has that name");
        refused.put(name, entry.getValue());
        continue;
      }
      try {
        load(name, directory.resolve(name));
        loadedSignatures.put(name, entry.getValue());
      } catch (RuntimeException e) {
        refused.put(name, entry.getValue());
        log.println("adapter " + name + " refused: " + e.getMessage());
      }
    }
    return registry.list().size();
  }

  private void load(String name, Path path) {
    VerifiedModel verified = verifier.verify(path);
    AdapterCompatibility.requireTrainedOn(verified, base.verified(), path.toString());
    LoraAdapter adapter = LoraAdapter.load(path, base.config(), base.manager());
    registry.put(new ServedAdapter(name, verified, adapter, Instant.now())).ifPresent(retire);
    log.println("adapter " + name + " loaded: " + verified.manifestDigest());
  }

  /** Names currently loaded from the directory. */
  public synchronized Set<String> loaded() {
    return Set.copyOf(loadedSignatures.keySet());
  }
}
