package dev.lathe.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statuses this operator wrote last, by resource uid, until the informer's cache shows them. An
 * informer delivers the operator's own write a moment after it was made; a reconcile that decides
 * in between would decide from a status older than its own last one — admit a second job against a
 * reservation it cannot see, tell an Event twice, publish twice. Observers read resources through
 * {@link #freshest} so that every decision sees what this operator last wrote.
 */
public final class OwnWrites {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final Map<String, CustomResource<?, ?>> written = new ConcurrentHashMap<>();

  /** Remembers a resource as the API server returned it after a status write. */
  public void remember(CustomResource<?, ?> afterWrite) {
    written.put(afterWrite.getMetadata().getUid(), afterWrite);
  }

  /**
   * A copy of {@code cached}, carrying the status this operator wrote when that write is newer than
   * the cache's. Never the cached object itself, which must not be mutated.
   */
  @SuppressWarnings("unchecked")
  public <R extends CustomResource<?, ?>> R freshest(R cached) {
    R copy = JSON.clone(cached);
    CustomResource<?, ?> mine = written.get(cached.getMetadata().getUid());
    if (mine == null) {
      return copy;
    }
    if (!newer(
        mine.getMetadata().getResourceVersion(), cached.getMetadata().getResourceVersion())) {
      // The cache caught up (or moved past): forget, so the map holds only writes in flight.
      written.remove(cached.getMetadata().getUid(), mine);
      return copy;
    }
    ((CustomResource<?, Object>) copy).setStatus(JSON.clone(mine).getStatus());
    return copy;
  }

  /** Forgets a deleted resource. */
  public void forget(String uid) {
    written.remove(uid);
  }

  /**
   * Resource versions are opaque, but etcd's are increasing integers; anything else is treated as
   * not newer, so the cache wins.
   */
  private static boolean newer(String mine, String cached) {
    try {
      return Long.parseLong(mine) > Long.parseLong(cached);
    } catch (NumberFormatException | NullPointerException e) {
      return false;
    }
  }
}
