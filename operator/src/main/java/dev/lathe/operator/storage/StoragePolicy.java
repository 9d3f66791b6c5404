package dev.lathe.operator.storage;

import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.storage.S3Location;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the platform team lets the operator use its own (ambient) S3 credentials on a namespace's
 * behalf. Without a rule here, a location must name a credentials Secret of its own namespace: a
 * tenant must never borrow the operator's identity to read, sign into or delete from a bucket that
 * identity happens to reach (a confused deputy).
 *
 * <p>Read from the ConfigMap {@code lathe-storage-policy} in the operator's namespace, one rule per
 * name, as the trust policy names its keys:
 *
 * <ul>
 *   <li>{@code RULE.prefixes}: s3://BUCKET[/PREFIX] locations, comma- or newline-separated, under
 *       which the rule applies; {@code {namespace}} stands for the resource's namespace (required)
 *   <li>{@code RULE.namespaces}: the namespaces it applies to, comma-separated, or {@code *} for
 *       every namespace (required: nothing is granted by omission)
 *   <li>{@code RULE.endpoint}: the S3 endpoint it applies to; absent means locations without an
 *       endpoint (AWS S3)
 * </ul>
 *
 * Prefixes match whole segments: {@code s3://models/team-a} covers {@code s3://models/team-a/x},
 * never {@code s3://models/team-ab}.
 */
public final class StoragePolicy {

  public static final String DEFAULT_CONFIGMAP = "lathe-storage-policy";

  /** A policy that grants nothing: every S3 location needs its own credentials Secret. */
  public static final StoragePolicy NONE = new StoragePolicy(List.of(), List.of());

  /** One rule: these namespaces may use the operator's credentials under these prefixes. */
  record Rule(String name, Set<String> namespaces, List<String> prefixes, String endpoint) {
    boolean covers(String namespace, StorageLocation location) {
      if (!namespaces.contains("*") && !namespaces.contains(namespace)) {
        return false;
      }
      if (!Objects.equals(
          normalisedEndpoint(endpoint), normalisedEndpoint(location.getEndpoint()))) {
        return false;
      }
      String uri = location.getUri().replaceAll("/+$", "");
      return prefixes.stream()
          .map(p -> p.replace("{namespace}", namespace).replaceAll("/+$", ""))
          .anyMatch(p -> uri.equals(p) || uri.startsWith(p + "/"));
    }
  }

  private final List<Rule> rules;
  private final List<String> problems;

  private StoragePolicy(List<Rule> rules, List<String> problems) {
    this.rules = rules;
    this.problems = problems;
  }

  /** Parses the ConfigMap's data; malformed rules grant nothing and are listed in problems(). */
  public static StoragePolicy fromData(Map<String, String> data) {
    if (data == null || data.isEmpty()) {
      return NONE;
    }
    List<Rule> rules = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String key : data.keySet().stream().sorted().toList()) {
      if (!key.endsWith(".prefixes")) {
        continue;
      }
      String name = key.substring(0, key.length() - ".prefixes".length());
      List<String> prefixes = split(data.get(key));
      Set<String> namespaces = Set.copyOf(split(data.getOrDefault(name + ".namespaces", "")));
      if (namespaces.isEmpty()) {
        problems.add(name + ": no " + name + ".namespaces, so the rule grants nothing");
        continue;
      }
      List<String> valid = new ArrayList<>();
      for (String prefix : prefixes) {
        try {
          S3Location.parse(
              prefix.replace("{namespace}", "namespace"), Optional.empty(), null, false);
          valid.add(prefix);
        } catch (RuntimeException e) {
          problems.add(name + ": prefix " + prefix + " ignored: " + e.getMessage());
        }
      }
      rules.add(new Rule(name, namespaces, valid, data.get(name + ".endpoint")));
    }
    return new StoragePolicy(List.copyOf(rules), List.copyOf(problems));
  }

  /**
   * Why the operator may not use its own credentials for {@code location} on behalf of {@code
   * namespace}, or empty when it may (a credentials Secret is named, the location is a claim of the
   * namespace, or a rule covers it).
   */
  public Optional<String> refusal(String namespace, StorageLocation location) {
    if (location == null
        || location.getUri() == null
        || !location.getUri().startsWith("s3://")
        || location.getCredentialsSecret() != null) {
      return Optional.empty();
    }
    try {
      S3Location.parse(location.getUri(), Optional.empty(), null, false);
    } catch (RuntimeException e) {
      return Optional.of(e.getMessage());
    }
    if (rules.stream().anyMatch(r -> r.covers(namespace, location))) {
      return Optional.empty();
    }
    return Optional.of(
        location.getUri()
            + (location.getEndpoint() == null ? "" : " at " + location.getEndpoint())
            + " names no credentialsSecret, and the storage policy does not let namespace "
            + namespace
            + " use the operator's own credentials there: name a Secret of this namespace with"
            + " the bucket's keys, or ask the platform team for a rule in the storage policy");
  }

  public List<String> problems() {
    return problems;
  }

  private static List<String> split(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split("[,\n]"))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableList());
  }

  private static String normalisedEndpoint(String endpoint) {
    return endpoint == null || endpoint.isBlank() ? null : endpoint.trim().replaceAll("/+$", "");
  }
}
