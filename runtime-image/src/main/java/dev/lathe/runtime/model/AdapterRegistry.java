package dev.lathe.runtime.model;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The adapters a running server can select by name. Requests look adapters up from any thread;
 * adding or removing one takes effect for the next request, never for one already running.
 */
public final class AdapterRegistry {

  private final ConcurrentHashMap<String, ServedAdapter> adapters = new ConcurrentHashMap<>();

  /** name → the canary's weight, with the counter that spreads the name's requests. */
  private volatile Map<String, Split> splits = Map.of();

  private record Split(int weight, AtomicLong requests) {}

  public Optional<ServedAdapter> find(String name) {
    return Optional.ofNullable(adapters.get(name));
  }

  /** Adds an adapter and returns the one it replaced, if any. */
  public Optional<ServedAdapter> put(ServedAdapter adapter) {
    return Optional.ofNullable(adapters.put(adapter.name(), adapter));
  }

  public Optional<ServedAdapter> remove(String name) {
    return Optional.ofNullable(adapters.remove(name));
  }

  /**
   * Which adapter answers a request for {@code name}: the stable one, or the canary for its
   * weight's share of the name's requests (see {@link WeightedSplit}) while one is installed.
   */
  public Optional<ServedAdapter> route(String name) {
    Split split = splits.get(name);
    if (split != null) {
      Optional<ServedAdapter> canary = find(AdapterList.canaryName(name));
      if (canary.isPresent()
          && WeightedSplit.toCanary(split.requests().getAndIncrement(), split.weight())) {
        return canary;
      }
    }
    return find(name);
  }

  /**
   * The version of adapter {@code name} (stable or canary) whose manifest digest is {@code digest}.
   */
  public Optional<ServedAdapter> pinned(String name, String digest) {
    return Stream.of(find(name), find(AdapterList.canaryName(name)))
        .flatMap(Optional::stream)
        .filter(a -> a.verified().manifestDigest().equals(digest))
        .findFirst();
  }

  /**
   * The canaries' weights by adapter name, as the adapter list's last sync left them. A name whose
   * weight did not change keeps its counter, so a re-sync does not restart the spread.
   */
  public void setSplits(Map<String, Integer> weights) {
    Map<String, Split> current = splits;
    Map<String, Split> next = new java.util.HashMap<>();
    weights.forEach(
        (name, weight) -> {
          Split previous = current.get(name);
          next.put(
              name,
              previous != null && previous.weight() == weight
                  ? previous
                  : new Split(weight, new AtomicLong()));
        });
    splits = Map.copyOf(next);
  }

  /** The adapters requests can select by name (canaries are reached through their name's split). */
  public List<ServedAdapter> selectable() {
    return list().stream()
        .filter(a -> a.name().indexOf(AdapterList.VERSION_SEPARATOR) < 0)
        .toList();
  }

  public List<ServedAdapter> list() {
    return adapters.values().stream().sorted(Comparator.comparing(ServedAdapter::name)).toList();
  }
}
