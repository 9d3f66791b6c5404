package dev.lathe.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where e2e/gateway/build.sh put Traefik and the Gateway API CRDs: {@code
 * ${LATHE_CACHE:-~/.cache/lathe}/gateway/traefik-<version>/traefik} and {@code
 * .../gateway/gateway-api-<version>/standard/}, with the versions pinned in the go.mod beside it.
 *
 * @param traefik the traefik executable
 * @param crdDirectory the Gateway API standard-channel CustomResourceDefinitions
 * @param traefikVersion e.g. v3.6.12
 * @param gatewayApiVersion e.g. v1.6.3
 */
public record GatewayBinaries(
    Path traefik, Path crdDirectory, String traefikVersion, String gatewayApiVersion) {

  private static final Pattern TRAEFIK =
      Pattern.compile("^\\s*github\\.com/traefik/traefik/v3\\s+(v\\S+)", Pattern.MULTILINE);
  private static final Pattern GATEWAY_API =
      Pattern.compile("^\\s*sigs\\.k8s\\.io/gateway-api\\s+(v\\S+)", Pattern.MULTILINE);

  /** Finds what the go.mod pins; fails saying how to build it. */
  public static GatewayBinaries locate(Path goMod) {
    String content;
    try {
      content = Files.readString(goMod);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String traefikVersion = pinned(TRAEFIK, content, goMod, "github.com/traefik/traefik/v3");
    String gatewayApiVersion = pinned(GATEWAY_API, content, goMod, "sigs.k8s.io/gateway-api");
    String cache = System.getenv("LATHE_CACHE");
    Path root =
        (cache == null || cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "lathe")
                : Path.of(cache))
            .resolve("gateway");
    Path traefik = root.resolve("traefik-" + traefikVersion).resolve("traefik");
    Path crds = root.resolve("gateway-api-" + gatewayApiVersion).resolve("standard");
    if (!Files.isExecutable(traefik) || !Files.isRegularFile(crds.resolve(".complete"))) {
      throw new IllegalStateException(
          "the local gateway is not built: "
              + (Files.isExecutable(traefik) ? crds : traefik)
              + " is missing. Run "
              + goMod.resolveSibling("build.sh")
              + " (mvn verify of e2e/control-plane runs it too).");
    }
    return new GatewayBinaries(traefik, crds, traefikVersion, gatewayApiVersion);
  }

  private static String pinned(Pattern pattern, String content, Path goMod, String module) {
    Matcher matcher = pattern.matcher(content);
    if (!matcher.find()) {
      throw new IllegalStateException(goMod + " does not pin " + module);
    }
    return matcher.group(1);
  }
}
