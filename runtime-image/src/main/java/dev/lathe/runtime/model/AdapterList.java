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
 *    "manifestDigest": "sha256:<64 hex>"}
 * ]}
 * }</pre>
 *
 * An entry may carry a {@code canary}: another version of the same adapter and the share of the
 * name's requests it answers (an adapter-only rollout on the same pods):
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
  public record Entry(String name, String uri, String manifestDigest, Canary canary) {

    public Entry(String name, String uri, String manifestDigest) {
      this(name, uri, manifestDigest, null);
    }
  }

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
      entries.add(new Entry(name, uri, digest, canary(node.get("canary"), digest, where)));
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

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": \"" + field + "\" must be a non-empty string");
    }
    return value.asText();
  }
}
