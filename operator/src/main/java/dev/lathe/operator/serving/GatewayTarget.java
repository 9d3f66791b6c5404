package dev.lathe.operator.serving;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * The Gateway that the operator's default HTTPRoutes attach to, read from LATHE_GATEWAY ({@code
 * NAMESPACE/NAME} or {@code NAMESPACE/NAME/LISTENER}) and LATHE_GATEWAY_URL (the base URL clients
 * reach that Gateway at from outside, when its reported address is not it: a load balancer's DNS
 * name, TLS terminated in front of it).
 *
 * @param namespace the Gateway's namespace
 * @param name the Gateway's name
 * @param listener the listener (the parentRef's sectionName) routes attach to; absent means every
 *     listener that allows them
 * @param externalUrl the base URL of the Gateway as clients reach it, without a trailing slash;
 *     absent means the Gateway's first reported address and the listener's port
 */
public record GatewayTarget(
    String namespace, String name, Optional<String> listener, Optional<String> externalUrl) {

  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS_SUBDOMAIN = DNS_LABEL + "(\\." + DNS_LABEL + ")*";

  /**
   * @param gateway LATHE_GATEWAY; null or blank means the operator makes no routes
   * @param url LATHE_GATEWAY_URL; null or blank means the Gateway's reported address
   * @throws IllegalArgumentException naming the variable, when either is malformed
   */
  public static Optional<GatewayTarget> fromSettings(String gateway, String url) {
    if (gateway == null || gateway.isBlank()) {
      if (url != null && !url.isBlank()) {
        throw new IllegalArgumentException(
            "LATHE_GATEWAY_URL is set but LATHE_GATEWAY is not: name the Gateway as"
                + " NAMESPACE/NAME[/LISTENER]");
      }
      return Optional.empty();
    }
    String[] parts = gateway.trim().split("/", -1);
    if (parts.length < 2
        || parts.length > 3
        || !parts[0].matches(DNS_LABEL)
        || !parts[1].matches(DNS_SUBDOMAIN)
        || (parts.length == 3 && !parts[2].matches(DNS_SUBDOMAIN))
        || parts[0].length() > 63
        || parts[1].length() > 253) {
      throw new IllegalArgumentException(
          "LATHE_GATEWAY must be NAMESPACE/NAME or NAMESPACE/NAME/LISTENER (lowercase DNS names),"
              + " was: "
              + gateway);
    }
    return Optional.of(
        new GatewayTarget(
            parts[0],
            parts[1],
            parts.length == 3 ? Optional.of(parts[2]) : Optional.empty(),
            Optional.ofNullable(url).filter(u -> !u.isBlank()).map(GatewayTarget::checkedUrl)));
  }

  /** {@code NAMESPACE/NAME[/LISTENER]}, as the setting spells it. */
  @Override
  public String toString() {
    return namespace + "/" + name + listener.map(l -> "/" + l).orElse("");
  }

  private static String checkedUrl(String url) {
    String trimmed = url.trim();
    try {
      URI uri = new URI(trimmed);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getQuery() != null
          || uri.getFragment() != null) {
        throw new URISyntaxException(trimmed, "not an http(s) URL with a host");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "LATHE_GATEWAY_URL must be an http:// or https:// URL with a host, such as"
              + " https://llm.example.com, was: "
              + url,
          e);
    }
    return trimmed.replaceAll("/+$", "");
  }
}
