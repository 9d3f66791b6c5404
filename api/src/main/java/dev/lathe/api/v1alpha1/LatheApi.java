package dev.lathe.api.v1alpha1;

/** Constants that name the API itself. */
public final class LatheApi {
  /** The API group of every Lathe resource. */
  public static final String GROUP = "lathe.dev";

  /** The version of the API in this package. */
  public static final String VERSION = "v1alpha1";

  /** The category that makes {@code kubectl get lathe} list every Lathe resource. */
  public static final String CATEGORY = "lathe";

  private LatheApi() {}
}
