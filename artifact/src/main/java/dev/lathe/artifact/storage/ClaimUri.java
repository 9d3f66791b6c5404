package dev.lathe.artifact.storage;

import java.nio.file.Path;

/**
 * A pvc://CLAIM/PATH location, parsed without URI decoding (so "%2e%2e" cannot turn into ".." on
 * the way) and checked by {@link StoragePaths}: the claim is a DNS-1123 label, the path cannot
 * climb. Every component that turns such a location into a directory — the operator under its
 * volume root, pods under their mount, the CLI under a local root — opens it through {@link
 * #openUnder}, which also refuses symbolic links between the claim's root and any file.
 *
 * @param claim the PersistentVolumeClaim's name
 * @param path the path inside the claim, without leading or trailing "/"; empty for its root
 */
public record ClaimUri(String claim, String path) {

  public static final String SCHEME = "pvc://";

  private static final String CLAIM_NAME = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  public ClaimUri {
    if (claim == null || !claim.matches(CLAIM_NAME)) {
      throw new StoragePaths.UnsafeStoragePath(
          "claim name '" + claim + "' is not a DNS-1123 label");
    }
    path = StoragePaths.checked(SCHEME + claim, path == null ? "" : path);
  }

  /** Parses pvc://CLAIM[/PATH][/]. */
  public static ClaimUri parse(String uri) {
    if (uri == null || !uri.startsWith(SCHEME)) {
      throw new IllegalArgumentException("not a pvc://CLAIM/PATH URI: " + uri);
    }
    String rest = uri.substring(SCHEME.length());
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    int slash = rest.indexOf('/');
    return slash < 0
        ? new ClaimUri(rest, "")
        : new ClaimUri(rest.substring(0, slash), rest.substring(slash + 1));
  }

  public static boolean is(String uri) {
    return uri != null && uri.startsWith(SCHEME);
  }

  /**
   * A store at this location, where the claim's root is the directory {@code claimRoot}: it refuses
   * every symbolic link from {@code claimRoot} down, so neither the path nor a link a pod planted
   * in the claim can lead out of it.
   */
  public FilesystemStore openUnder(Path claimRoot) {
    return FilesystemStore.within(claimRoot, path);
  }

  /** The directory this location is under {@code claimRoot}, before any link is looked at. */
  public Path directoryUnder(Path claimRoot) {
    return path.isEmpty() ? claimRoot : claimRoot.resolve(path);
  }

  public String uri() {
    return SCHEME + claim + (path.isEmpty() ? "" : "/" + path);
  }
}
