package dev.lathe.runtime.model;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapters a running server can select by name. Requests look adapters up from any thread;
 * adding or removing one takes effect for the next request, never for one already running.
 */
public final class AdapterRegistry {

  private final ConcurrentHashMap<String, ServedAdapter> adapters = new ConcurrentHashMap<>();

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

  public List<ServedAdapter> list() {
    return adapters.values().stream().sorted(Comparator.comparing(ServedAdapter::name)).toList();
  }
}
