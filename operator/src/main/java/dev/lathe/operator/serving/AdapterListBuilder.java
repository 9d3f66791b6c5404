package dev.lathe.operator.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.operator.workloads.ControllerReference;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;

/**
 * The ConfigMap of one served version's desired adapters, in the runtime's adapter-list format
 * (runtime-image {@code dev.lathe.runtime.model.AdapterList}):
 *
 * <pre>{@code
 * {"adapters": [{"name": "support-bot", "uri": "s3://...", "manifestDigest": "sha256:..."}]}
 * }</pre>
 *
 * An entry may carry a canary (an adapter-only rollout on the same pods): another version of the
 * adapter and the percentage of the name's requests it answers, which the runtime splits by a
 * counter, not by chance; a client pins a version with {@code "model": "NAME@sha256:…"}:
 *
 * <pre>{@code
 * {"name": "support-bot", "uri": "s3://.../v1", "manifestDigest": "sha256:...",
 *  "canary": {"uri": "s3://.../v2", "manifestDigest": "sha256:...", "weight": 20}}
 * }</pre>
 *
 * The pods mount it as a directory, so a change reaches every replica without a restart. The digest
 * is the adapter ModelVersion's verified manifest digest: a pod serves the adapter only if the
 * artifact it fetches verifies as exactly that. Pure.
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
   */
  public record Entry(String name, String uri, String manifestDigest, Canary canary) {

    /** An adapter without a canary. */
    public Entry(String name, String uri, String manifestDigest) {
      this(name, uri, manifestDigest, null);
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

  private AdapterListBuilder() {}

  /** The file's content, entries in spec order. */
  public static String content(List<Entry> entries) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode adapters = root.putArray("adapters");
    for (Entry entry : entries) {
      ObjectNode node =
          adapters
              .addObject()
              .put("name", entry.name())
              .put("uri", entry.uri())
              .put("manifestDigest", entry.manifestDigest());
      if (entry.canary() != null) {
        node.putObject("canary")
            .put("uri", entry.canary().uri())
            .put("manifestDigest", entry.canary().manifestDigest())
            .put("weight", entry.canary().weight());
      }
    }
    return root.toString();
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
