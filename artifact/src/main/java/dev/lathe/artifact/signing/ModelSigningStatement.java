package dev.lathe.artifact.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.Resource;
import dev.lathe.artifact.manifest.Serialization;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-toto Statement v1 of OpenSSF model-signing v1.0: one subject whose sha256 is the
 * manifest's root digest, and a predicate listing every resource with its digest and the
 * serialization that produced them.
 */
public final class ModelSigningStatement {

  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  public static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";

  private ModelSigningStatement() {}

  /** What a statement claims: resource digests by name, and how to recompute them. */
  public record Claim(
      String subjectName,
      String rootDigest,
      Serialization serialization,
      long shardSize,
      List<String> ignorePaths,
      Map<String, String> digestsByName) {

    /**
     * The files the claim covers, each once: its resources are files or "path:start:end" shards.
     */
    public java.util.SortedSet<String> files() {
      java.util.SortedSet<String> files = new java.util.TreeSet<>();
      for (String resource : digestsByName.keySet()) {
        if (serialization == Serialization.SHARDS) {
          int end = resource.lastIndexOf(':');
          files.add(resource.substring(0, resource.lastIndexOf(':', end - 1)));
        } else {
          files.add(resource);
        }
      }
      return files;
    }
  }

  public static ObjectNode of(String modelName, Manifest manifest) {
    ObjectNode statement = SignedStatement.json().createObjectNode();
    statement.put("_type", STATEMENT_TYPE);
    ObjectNode subject = statement.putArray("subject").addObject();
    subject.put("name", modelName);
    subject.putObject("digest").put("sha256", HexFormat.of().formatHex(manifest.subjectDigest()));
    statement.put("predicateType", PREDICATE_TYPE);
    ObjectNode predicate = statement.putObject("predicate");
    ObjectNode serialization = predicate.putObject("serialization");
    serialization.put("method", manifest.serialization().method());
    serialization.put("hash_type", "sha256");
    serialization.put("allow_symlinks", false);
    ArrayNode ignored = serialization.putArray("ignore_paths");
    manifest.ignoredPaths().forEach(ignored::add);
    if (manifest.serialization() == Serialization.SHARDS) {
      // An integer: model-signing's verifier refuses 1024.0 where it expects 1024.
      serialization.put("shard_size", manifest.shardSize());
    }
    ArrayNode resources = predicate.putArray("resources");
    for (Resource resource : manifest.resources()) {
      resources
          .addObject()
          .put("name", resource.name())
          .put("algorithm", manifest.resourceAlgorithm())
          .put("digest", resource.hexDigest());
    }
    return statement;
  }

  /**
   * Reads a statement, checking its type and that its subject digest is the digest of its own
   * resources, so a statement cannot claim one model and list another's files.
   */
  public static Claim read(JsonNode statement) {
    if (!STATEMENT_TYPE.equals(statement.path("_type").asText())) {
      throw new ArtifactException("not an in-toto Statement v1");
    }
    if (!PREDICATE_TYPE.equals(statement.path("predicateType").asText())) {
      throw new ArtifactException(
          "predicate type is "
              + statement.path("predicateType").asText()
              + ", not "
              + PREDICATE_TYPE);
    }
    JsonNode subjects = statement.path("subject");
    if (!subjects.isArray() || subjects.size() != 1) {
      throw new ArtifactException("a model statement must have exactly one subject");
    }
    String rootDigest = subjects.get(0).path("digest").path("sha256").asText("");
    JsonNode serialization = statement.path("predicate").path("serialization");
    Serialization method;
    try {
      method = Serialization.fromMethod(serialization.path("method").asText());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(e.getMessage(), e);
    }
    long shardSize = method == Serialization.SHARDS ? serialization.path("shard_size").asLong() : 0;
    List<String> ignored = new ArrayList<>();
    serialization.path("ignore_paths").forEach(p -> ignored.add(p.asText()));

    Map<String, String> digests = new LinkedHashMap<>();
    MessageDigest root = sha256();
    for (JsonNode resource : statement.path("predicate").path("resources")) {
      String name = resource.path("name").asText();
      String digest = resource.path("digest").asText();
      if (digests.put(name, digest) != null) {
        throw new ArtifactException("the statement lists " + name + " twice");
      }
      try {
        root.update(HexFormat.of().parseHex(digest));
      } catch (IllegalArgumentException e) {
        throw new ArtifactException("the digest of " + name + " is not hex", e);
      }
    }
    String computed = HexFormat.of().formatHex(root.digest());
    if (!computed.equals(rootDigest)) {
      throw new ArtifactException(
          "the statement is inconsistent: its subject digest is "
              + rootDigest
              + " but its resources hash to "
              + computed);
    }
    return new Claim(
        subjects.get(0).path("name").asText(),
        rootDigest,
        method,
        shardSize,
        List.copyOf(ignored),
        digests);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
