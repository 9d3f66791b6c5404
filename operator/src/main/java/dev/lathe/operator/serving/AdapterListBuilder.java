package dev.lathe.operator.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.operator.storage.PodStorage;
import dev.lathe.operator.workloads.ControllerReference;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import java.util.Optional;

/**
 * The ConfigMap of one served version's desired adapters, in the runtime's adapter-list format
 * (runtime-image {@code dev.lathe.runtime.model.AdapterList}):
 *
 * <pre>{@code
 * {"adapters": [{"name": "support-bot", "uri": "s3://...", "manifestDigest": "sha256:...",
 *                "store": {"endpoint": "...", "pathStyle": true,
 *                          "credentialsDirectory": "/var/run/lathe/credentials/SECRET"}}]}
 * }</pre>
 *
 * An S3 adapter carries its own ModelVersion's store: its endpoint, region, path style and the
 * directory where {@link RuntimeDeploymentBuilder} mounts its credentials Secret, so an adapter in
 * another bucket or account than the base is fetched with its own credentials (and no other
 * adapter's).
 *
 * <p>An entry may carry a canary (an adapter-only rollout on the same pods): another version of the
 * adapter, fetched with the entry's store, and the percentage of the name's requests it answers,
 * which the runtime splits by a counter, not by chance; a client pins a version with {@code
 * "model": "NAME@sha256:…"}:
 *
 * <pre>{@code
 * {"name": "support-bot", "uri": "s3://.../v1", "manifestDigest": "sha256:...",
 *  "canary": {"uri": "s3://.../v2", "manifestDigest": "sha256:...", "weight": 20}}
 * }</pre>
 *
 * <p>The pods mount it as a directory, so a change reaches every replica without a restart. The
 * digest is the adapter ModelVersion's verified manifest digest: a pod serves the adapter only if
 * the artifact it fetches verifies as exactly that. Pure.
 */
public final class AdapterListBuilder {

  /** The key, and so the file name in the mounted directory. */
  public static final String KEY = "adapters.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One adapter to serve.
   *
   * @param name what requests select in the OpenAI model field
   * @param uri where its signed artifact is
   * @param manifestDigest its ModelVersion's verified manifest digest
   * @param location its ModelVersion's storage (endpoint, credentials Secret), or null for the
   *     runtime's own store settings
   */
  public record Entry(
      String name, String uri, String manifestDigest, StorageLocation location, Canary canary) {

    /** An adapter without a canary, fetched with the runtime's own store settings. */
    public Entry(String name, String uri, String manifestDigest) {
      this(name, uri, manifestDigest, null, null);
    }

    /** An adapter without a canary. */
    public Entry(String name, String uri, String manifestDigest, StorageLocation location) {
      this(name, uri, manifestDigest, location, null);
    }

    /** This entry with a candidate version beside it. */
    public Entry withCanary(Canary candidate) {
      return new Entry(name, uri, manifestDigest, location, candidate);
    }
  }

  /**
   * A candidate version of an entry's adapter, served beside it on the same pods.
   *
   * @param uri where its signed artifact is
   * @param manifestDigest its ModelVersion's verified manifest digest
   * @param weight the percentage of the name's requests it answers, 0 to 100
   */
  public record Canary(String uri, String manifestDigest, int weight) {

    public Canary {
      if (weight < 0 || weight > 100) {
        throw new IllegalArgumentException("a canary weight is 0 to 100, not " + weight);
      }
    }
  }

  /**
   * The entry of adapter {@code name} served from a verified ModelVersion on {@code base}: with the
   * adapter's own store only where it differs from the base model's (endpoint, region, path style
   * or credentials Secret); otherwise the runtime's own store settings, those of the base, apply.
   */
  public static Entry entry(String name, ModelVersion version, ModelVersion base) {
    StorageLocation location = version.getSpec().getSource().getStorage();
    return new Entry(
        name,
        location.getUri(),
        version.getStatus().getArtifact().getManifestDigest(),
        sameStore(location, base.getSpec().getSource().getStorage()) ? null : location);
  }

  private static boolean sameStore(StorageLocation a, StorageLocation b) {
    return java.util.Objects.equals(a.getEndpoint(), b.getEndpoint())
        && java.util.Objects.equals(a.getRegion(), b.getRegion())
        && java.util.Objects.equals(a.getPathStyle(), b.getPathStyle())
        && java.util.Objects.equals(a.getCredentialsSecret(), b.getCredentialsSecret());
  }

  private AdapterListBuilder() {}

  /** The file's content, entries in spec order. */
  public static String content(List<Entry> entries) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode adapters = root.putArray("adapters");
    for (Entry entry : entries) {
      ObjectNode adapter =
          adapters
              .addObject()
              .put("name", entry.name())
              .put("uri", entry.uri())
              .put("manifestDigest", entry.manifestDigest());
      if (entry.location() != null && entry.uri().startsWith("s3://")) {
        StoreAddress address = new PodStorage().address(entry.location(), false);
        ObjectNode store = adapter.putObject("store");
        putIfPresent(store, "endpoint", address.endpoint());
        putIfPresent(store, "region", address.region());
        if (address.pathStyle() != null) {
          store.put("pathStyle", address.pathStyle());
        }
        putIfPresent(store, "credentialsDirectory", address.credentialsDirectory());
      }
      if (entry.canary() != null) {
        adapter
            .putObject("canary")
            .put("uri", entry.canary().uri())
            .put("manifestDigest", entry.canary().manifestDigest())
            .put("weight", entry.canary().weight());
      }
    }
    return root.toString();
  }

  /**
   * The model field that selects exactly the version of adapter {@code name} with {@code digest},
   * whatever the split: the runtime's pin ({@code NAME@sha256:…}).
   */
  public static String pinned(String name, String digest) {
    return name + "@" + digest;
  }

  /**
   * The weight of adapter {@code name}'s canary with {@code digest} in a list's content; empty when
   * the list does not carry that canary or cannot be read.
   */
  public static Optional<Integer> canaryWeight(String content, String name, String digest) {
    if (content == null) {
      return Optional.empty();
    }
    try {
      for (JsonNode entry : JSON.readTree(content).path("adapters")) {
        JsonNode canary = entry.path("canary");
        if (name.equals(entry.path("name").asText())
            && digest.equals(canary.path("manifestDigest").asText())
            && canary.path("weight").isInt()) {
          return Optional.of(canary.path("weight").asInt());
        }
      }
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  public static ConfigMap build(ModelDeployment md, String modelVersion, List<Entry> entries) {
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(ServingNames.adapterList(md, modelVersion))
            .withNamespace(md.getMetadata().getNamespace())
            .withLabels(ServingNames.versionLabels(md, modelVersion))
            .withOwnerReferences(ControllerReference.to(md))
            .endMetadata()
            .addToData(KEY, content(entries))
            .build();
    SpecHash.annotate(map, map.getData());
    return map;
  }
}
