package dev.lathe.runtime.model;

import static dev.lathe.artifact.verify.VerificationException.Failure.DIGEST_MISMATCH;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.verify.VerificationException;
import dev.lathe.runtime.verify.AdapterCompatibility;
import dev.lathe.runtime.verify.ArtifactDownloader;
import dev.lathe.runtime.verify.LocalModelVerifier;
import dev.lathe.runtime.verify.StoreLocations;
import dev.lathe.runtime.verify.VerifiedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Keeps a server's adapters directory equal to a desired-adapter list ({@link AdapterList}, a file
 * from a mounted ConfigMap): an adapter that is new or whose digest changed is downloaded into a
 * staging directory outside the adapters directory, verified against the trust policy, checked to
 * have exactly the digest the list names and to have been trained on the served base, and only then
 * moved into the adapters directory (one atomic rename), where {@link AdapterDirectory} loads it;
 * an adapter no longer listed is moved out and deleted, and so unloaded. Nothing unverified ever
 * enters the directory.
 *
 * <p>An adapter refused by verification (bad signature, digest mismatch, not trained on this base,
 * ...) is not fetched again until its entry changes; a download that failed (storage unreachable)
 * is tried again at the next sync. When a changed entry is refused, the version already served
 * stays served and the status says so. A list that cannot be read changes nothing.
 */
public final class AdapterListSync {

  /** Where one listed adapter stands. */
  public enum State {
    /** Verified with the listed digest and in the adapters directory. */
    INSTALLED,
    /** Refused by verification; not tried again until its list entry changes. */
    REFUSED,
    /** Could not be fetched (e.g. storage unreachable); tried again at the next sync. */
    FAILED
  }

  /**
   * One listed adapter.
   *
   * @param name as listed
   * @param uri as listed
   * @param manifestDigest the digest the list asks for
   * @param state where it stands
   * @param installedDigest the digest of the version in the adapters directory (the listed one when
   *     INSTALLED; an older one, or empty, when the listed version was refused or failed)
   * @param failure for REFUSED, the verification failure (e.g. DIGEST_MISMATCH); for FAILED, the
   *     exception's kind
   * @param message why it is not INSTALLED
   * @param since when it reached this state
   */
  public record AdapterState(
      String name,
      String uri,
      String manifestDigest,
      State state,
      Optional<String> installedDigest,
      String failure,
      String message,
      Instant since) {}

  /**
   * The outcome of the latest sync.
   *
   * @param syncedAt when it ran
   * @param listError why the list could not be used (then nothing changed), or null
   * @param adapters the listed adapters, in the list's order
   */
  public record Snapshot(Instant syncedAt, String listError, List<AdapterState> adapters) {}

  /** Told about every refusal, e.g. to count it in a metric. */
  public interface RefusalListener {
    void refused(String adapter, String failure);
  }

  private static final String RETIRED_PREFIX = ".retired-";

  private final Path listFile;
  private final Path adaptersDirectory;
  private final Path stagingDirectory;
  private final StoreLocations locations;
  private final LocalModelVerifier verifier;
  private final VerifiedModel base;
  private final String baseName;
  private final PrintStream log;
  private final Clock clock;
  private final RefusalListener refusals;

  // name → digest of what the adapters directory holds, verified; null until the first sync.
  private Map<String, String> installed;
  private final Map<String, AdapterState> states = new HashMap<>();
  private volatile Snapshot snapshot;
  private String lastListError;
  private Consumer<Map<String, Integer>> splits = weights -> {};

  /**
   * @param listFile the desired-adapter list, e.g. /etc/lathe/adapters/adapters.json
   * @param adaptersDirectory the server's adapters directory ({@link AdapterDirectory} loads it)
   * @param stagingDirectory where downloads are verified before they move in; on the same file
   *     system as the adapters directory, outside it
   * @param base the served base model, verified
   * @param baseName the name the base is served under (an adapter may not take it)
   */
  public AdapterListSync(
      Path listFile,
      Path adaptersDirectory,
      Path stagingDirectory,
      StoreLocations locations,
      LocalModelVerifier verifier,
      VerifiedModel base,
      String baseName,
      PrintStream log,
      Clock clock,
      RefusalListener refusals) {
    this.listFile = listFile;
    this.adaptersDirectory = adaptersDirectory;
    this.stagingDirectory = stagingDirectory;
    this.locations = locations;
    this.verifier = verifier;
    this.base = base;
    this.baseName = baseName;
    this.log = log;
    this.clock = clock;
    this.refusals = refusals;
    this.snapshot = new Snapshot(clock.instant(), "not synced yet", List.of());
  }

  public Path listFile() {
    return listFile;
  }

  /** The outcome of the latest sync, for the status endpoint; never blocks. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** Reads the list and brings the adapters directory in line with it. */
  public synchronized Snapshot sync() {
    Instant now = clock.instant();
    AdapterList list;
    try {
      list = AdapterList.read(listFile);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().equals(lastListError)) {
        log.println(e.getMessage() + "; the served adapters stay as they are");
        lastListError = e.getMessage();
      }
      snapshot = new Snapshot(now, e.getMessage(), snapshot.adapters());
      return snapshot;
    }
    lastListError = null;
    if (installed == null) {
      installed = adoptDirectory();
    }
    // A canary is one more adapter to install, under a name no entry can take.
    Map<String, AdapterList.Entry> wanted = new LinkedHashMap<>();
    for (AdapterList.Entry entry : list.adapters()) {
      wanted.put(entry.name(), entry);
      if (entry.canary() != null) {
        String canary = AdapterList.canaryName(entry.name());
        wanted.put(
            canary,
            new AdapterList.Entry(canary, entry.canary().uri(), entry.canary().manifestDigest()));
      }
    }
    for (String name : List.copyOf(installed.keySet())) {
      if (!wanted.containsKey(name)) {
        retire(adaptersDirectory.resolve(name));
        installed.remove(name);
        log.println("adapter " + name + " is no longer listed: removed");
      }
    }
    states.keySet().retainAll(wanted.keySet());
    List<AdapterState> result = new ArrayList<>();
    for (AdapterList.Entry entry : wanted.values()) {
      AdapterState state = reconcile(entry, now);
      states.put(entry.name(), state);
      result.add(state);
    }
    snapshot = new Snapshot(now, null, List.copyOf(result));
    splits.accept(splits(list));
    return snapshot;
  }

  /**
   * Who else needs the canaries' weights (the server's router): told after every sync that read the
   * list, with the weight of each entry whose canary is installed.
   */
  public void onSplits(Consumer<Map<String, Integer>> listener) {
    this.splits = listener;
  }

  private Map<String, Integer> splits(AdapterList list) {
    Map<String, Integer> weights = new HashMap<>();
    for (AdapterList.Entry entry : list.adapters()) {
      AdapterState canary =
          entry.canary() == null ? null : states.get(AdapterList.canaryName(entry.name()));
      if (canary != null && canary.state() == State.INSTALLED) {
        weights.put(entry.name(), entry.canary().weight());
      }
    }
    return weights;
  }

  private AdapterState reconcile(AdapterList.Entry entry, Instant now) {
    String name = entry.name();
    Optional<String> current = Optional.ofNullable(installed.get(name));
    AdapterState previous = states.get(name);
    if (current.isPresent() && current.get().equals(entry.manifestDigest())) {
      return previous != null && previous.state() == State.INSTALLED && sameEntry(previous, entry)
          ? previous
          : installedState(entry, now);
    }
    if (previous != null && previous.state() == State.REFUSED && sameEntry(previous, entry)) {
      return previous;
    }
    if (name.equals(baseName)) {
      return refuse(entry, current, "NAME_TAKEN", "the base model is served under that name", now);
    }
    Path staged = stagingDirectory.resolve(name);
    try {
      VerifiedModel verified = fetchAndVerify(entry, staged);
      install(staged, adaptersDirectory.resolve(name));
      installed.put(name, verified.manifestDigest());
      log.println("adapter " + name + " verified and installed: " + verified.manifestDigest());
      return installedState(entry, now);
    } catch (VerificationException e) {
      return refuse(entry, current, e.failure().name(), e.getMessage(), now);
    } catch (NotAnAdapter e) {
      return refuse(entry, current, "NOT_AN_ADAPTER", e.getMessage(), now);
    } catch (ArtifactException | UncheckedIOException | IllegalArgumentException e) {
      String message = "cannot fetch " + entry.uri() + ": " + e.getMessage();
      log.println("adapter " + name + " not installed, will retry: " + message);
      return new AdapterState(
          name,
          entry.uri(),
          entry.manifestDigest(),
          State.FAILED,
          current,
          e.getClass().getSimpleName(),
          message,
          now);
    } finally {
      deleteQuietly(staged);
      deleteQuietly(staged.resolveSibling(staged.getFileName() + ".partial"));
    }
  }

  private VerifiedModel fetchAndVerify(AdapterList.Entry entry, Path staged) {
    ArtifactStore store = locations.open(entry.uri());
    try {
      ArtifactDownloader.download(store, "", staged);
    } finally {
      StoreLocations.close(store);
    }
    VerifiedModel verified = verifier.verify(staged);
    if (!verified.manifestDigest().equals(entry.manifestDigest())) {
      throw new VerificationException(
          DIGEST_MISMATCH,
          entry.uri(),
          "adapter "
              + entry.name()
              + " at "
              + entry.uri()
              + " is signed as "
              + verified.manifestDigest()
              + ", but the adapter list expects "
              + entry.manifestDigest());
    }
    if (!verified.isAdapter()) {
      throw new NotAnAdapter(entry.uri() + " is not a LoRA adapter (no adapter_config.json)");
    }
    AdapterCompatibility.requireTrainedOn(verified, base, entry.uri());
    return verified;
  }

  /** Swaps the verified copy in with one rename; what it replaces is moved out first. */
  private void install(Path staged, Path target) {
    try {
      Files.createDirectories(adaptersDirectory);
      if (Files.exists(target)) {
        retire(target);
      }
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install " + staged + " as " + target, e);
    }
  }

  /**
   * What the adapters directory already holds when this server starts (a restarted container keeps
   * its emptyDir; fetch-and-verify may have put adapters there): each one is verified again and
   * kept under its digest, so an unchanged adapter is not downloaded twice. One that no longer
   * verifies is removed.
   */
  private Map<String, String> adoptDirectory() {
    Map<String, String> found = new HashMap<>();
    if (!Files.isDirectory(adaptersDirectory)) {
      return found;
    }
    try (Stream<Path> entries = Files.list(adaptersDirectory)) {
      for (Path dir : entries.filter(Files::isDirectory).toList()) {
        String name = dir.getFileName().toString();
        if (name.startsWith(".")) {
          if (name.startsWith(RETIRED_PREFIX)) {
            deleteQuietly(dir);
          }
          continue;
        }
        try {
          found.put(name, verifier.verify(dir).manifestDigest());
        } catch (RuntimeException e) {
          log.println("adapter directory " + dir + " does not verify, removed: " + e.getMessage());
          retire(dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + adaptersDirectory, e);
    }
    return found;
  }

  /** Moves a directory out of the loader's sight (dot names are skipped), then deletes it. */
  private void retire(Path dir) {
    Path retired = dir.resolveSibling(RETIRED_PREFIX + dir.getFileName() + "-" + System.nanoTime());
    try {
      Files.move(dir, retired, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + dir + " out of the adapters directory", e);
    }
    deleteQuietly(retired);
  }

  private AdapterState refuse(
      AdapterList.Entry entry,
      Optional<String> current,
      String failure,
      String message,
      Instant now) {
    log.println(
        "adapter "
            + entry.name()
            + " refused ("
            + failure
            + "): "
            + message
            + current.map(d -> "; still serving " + d).orElse("; not served"));
    refusals.refused(entry.name(), failure);
    return new AdapterState(
        entry.name(),
        entry.uri(),
        entry.manifestDigest(),
        State.REFUSED,
        current,
        failure,
        message,
        now);
  }

  private static AdapterState installedState(AdapterList.Entry entry, Instant now) {
    return new AdapterState(
        entry.name(),
        entry.uri(),
        entry.manifestDigest(),
        State.INSTALLED,
        Optional.of(entry.manifestDigest()),
        null,
        null,
        now);
  }

  private static boolean sameEntry(AdapterState state, AdapterList.Entry entry) {
    return Objects.equals(state.uri(), entry.uri())
        && Objects.equals(state.manifestDigest(), entry.manifestDigest());
  }

  private static void deleteQuietly(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover under a dot name is never loaded; the next start removes retired copies.
    }
  }

  /** The artifact verified but is a full model, not a LoRA adapter. */
  private static final class NotAnAdapter extends RuntimeException {
    NotAnAdapter(String message) {
      super(message);
    }
  }
}
