package dev.lathe.runtime.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The adapters a server should serve, as the operator writes them into a ConfigMap that the pods
 * mount:
 *
 * <pre>{@code
 * {"adapters": [
 *   {"name": "support-bot",
 *    "uri": "s3://models/fine-tuned/support-bot-7f3a",
 *    "manifestDigest": "sha256:<64 hex>",
 *    "store": {"endpoint": "https://s3.eu-west-1.amazonaws.com", "region": "eu-west-1",
 *              "pathStyle": false, "credentialsDirectory": "/var/run/lathe/credentials/team-b"}}
 * ]}
 * }</pre>
 *
 * {@code store} is optional: where an adapter's S3 store differs from the base model's (another
 * endpoint, another credentials Secret, which the operator mounts in the pod), each field present
 * replaces the server's own setting for that adapter's download; absent, the server's own store
 * settings apply.
 *
 * <p>An entry may carry a {@code canary}: another version of the same adapter, fetched with the
 * entry's store, and the share of the name's requests it answers (an adapter-only rollout on the
 * same pods):
 *
 * <pre>{@code
 * {"name": "support-bot", "uri": "s3://.../support-bot-v1", "manifestDigest": "sha256:...",
 *  "canary": {"uri": "s3://.../support-bot-v2", "manifestDigest": "sha256:...", "weight": 20}}
 * }</pre>
 *
 * The canary is fetched and verified like any adapter and installed as {@code NAME@canary} (a name
 * no entry can take, as '@' is not allowed in names); until it is installed, and once the entry
 * loses its canary, every request for NAME goes to the stable entry.
 *
 * <p>A name is what requests select in "model" and becomes a directory name, so it is 1 to 63
 * characters of letters, digits, '.', '_' and '-', starting with a letter or digit. The digest is
 * the ModelVersion's verified manifest digest: the runtime serves the adapter only when the signed
 * artifact at the URI has exactly that digest.
 *
 * @param adapters the entries, in the file's order, names unique
 */
public record AdapterList(List<Entry> adapters) {

  /**
   * One adapter the list asks for.
   *
   * @param name what requests select in "model"
   * @param uri where its signed artifact is (s3://, file:// or a directory)
   * @param manifestDigest "sha256:" + 64 hex digits: what the artifact must verify as
   */
  public record Entry(String name, String uri, String manifestDigest, Store store, Canary canary) {

    /** An entry fetched with the server's own store settings, without a canary. */
    public Entry(String name, String uri, String manifestDigest) {
      this(name, uri, manifestDigest, null, null);
    }

    /** An entry without a canary. */
    public Entry(String name, String uri, String manifestDigest, Store store) {
      this(name, uri, manifestDigest, store, null);
    }

    /** The store settings of this entry's download, when it has its own. */
    public Optional<Store> ownStore() {
      return Optional.ofNullable(store);
    }
  }

  /**
   * An adapter's own S3 settings; a null field means the server's.
   *
   * @param endpoint the S3 endpoint URL (MinIO, Ceph, a region's AWS endpoint)
   * @param region the S3 region
   * @param pathStyle path-style addressing
   * @param credentialsDirectory an absolute path holding AWS_ACCESS_KEY_ID and
   *     AWS_SECRET_ACCESS_KEY files (a mounted Secret)
   */
  public record Store(
      String endpoint, String region, Boolean pathStyle, String credentialsDirectory) {}

  /**
   * A candidate version of an entry's adapter.
   *
   * @param uri where its signed artifact is
   * @param manifestDigest what it must verify as
   * @param weight the percentage of the name's requests it answers, 0 to 100
   */
  public record Canary(String uri, String manifestDigest, int weight) {}

  /** What separates an adapter's name from its version in a pinned model field or a canary. */
  public static final char VERSION_SEPARATOR = '@';

  /** The name a canary is installed and loaded under: never one a request can select by name. */
  public static String canaryName(String name) {
    return name + VERSION_SEPARATOR + "canary";
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  public AdapterList {
    adapters = List.copyOf(adapters);
  }

  /** Reads and checks the file; any problem is an IllegalArgumentException naming the file. */
  public static AdapterList read(Path file) {
    String content;
    try {
      content = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no adapter list at " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the adapter list " + file + ": " + e);
    }
    return parse(content, file.toString());
  }

  /** Parses and checks a list; {@code source} names it in error messages. */
  public static AdapterList parse(String content, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "adapter list " + source + " is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || !root.path("adapters").isArray()) {
      throw new IllegalArgumentException(
          "adapter list " + source + " must be an object with an \"adapters\" array");
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int index = 0;
    for (Iterator<JsonNode> it = root.get("adapters").elements(); it.hasNext(); index++) {
      JsonNode node = it.next();
      String where = "adapter list " + source + ", adapters[" + index + "]";
      String name = text(node, "name", where);
      String uri = text(node, "uri", where);
      String digest = text(node, "manifestDigest", where);
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            where
                + ": name \""
                + name
                + "\" must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or"
                + " digit");
      }
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException(
            where
                + ": manifestDigest \""
                + digest
                + "\" is not sha256: and 64 lowercase hex digits");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(where + ": name \"" + name + "\" is listed twice");
      }
      entries.add(
          new Entry(
              name,
              uri,
              digest,
              store(node.get("store"), where),
              canary(node.get("canary"), digest, where)));
    }
    return new AdapterList(entries);
  }

  private static Canary canary(JsonNode node, String stableDigest, String where) {
    if (node == null || node.isNull()) {
      return null;
    }
    String at = where + ".canary";
    if (!node.isObject()) {
      throw new IllegalArgumentException(at + " must be an object");
    }
    String uri = text(node, "uri", at);
    String digest = text(node, "manifestDigest", at);
    if (!DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          at + ": manifestDigest \"" + digest + "\" is not sha256: and 64 lowercase hex digits");
    }
    if (digest.equals(stableDigest)) {
      throw new IllegalArgumentException(at + ": the canary is the stable version (same digest)");
    }
    JsonNode weight = node.get("weight");
    if (weight == null || !weight.isInt() || weight.asInt() < 0 || weight.asInt() > 100) {
      throw new IllegalArgumentException(at + ": \"weight\" must be an integer from 0 to 100");
    }
    return new Canary(uri, digest, weight.asInt());
  }

  private static Store store(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": \"store\" must be an object");
    }
    String credentials = optionalText(node, "credentialsDirectory", where);
    if (credentials != null
        && (!credentials.startsWith("/")
            || !Path.of(credentials).normalize().equals(Path.of(credentials)))) {
      throw new IllegalArgumentException(
          where
              + ": store.credentialsDirectory \""
              + credentials
              + "\" must be an absolute path without '.' or '..'");
    }
    JsonNode pathStyle = node.get("pathStyle");
    if (pathStyle != null && !pathStyle.isNull() && !pathStyle.isBoolean()) {
      throw new IllegalArgumentException(where + ": store.pathStyle must be true or false");
    }
    return new Store(
        optionalText(node, "endpoint", where),
        optionalText(node, "region", where),
        pathStyle == null || pathStyle.isNull() ? null : pathStyle.asBoolean(),
        credentials);
  }

  private static String optionalText(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(
          where + ": store." + field + " must be a non-empty string");
    }
    return value.asText();
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": \"" + field + "\" must be a non-empty string");
    }
    return value.asText();
  }
}
