package dev.lathe.operator.publishing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.artifact.contract.FetchedInputs;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.operator.names.BoundedNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the SLSA provenance of a trained artifact (DESIGN.md §1 step 4: what went in, what came
 * out, who built it) from the FineTuneJob and what the trainer's fetch step recorded — the base
 * model and dataset by the digests it verified or computed. Pure.
 */
public final class LineageBuilder {

  public static final String BUILDER_ID = "https://lathe.dev/operator/v1alpha1";

  /** The dependency name of held-out data in the provenance. */
  static final String EVALUATION_DATASET = "evaluation-dataset";

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private LineageBuilder() {}

  /**
   * @param modelDigest the artifact's manifest root digest, sha256:HEX
   * @param inputs what the fetch step fetched, when the pod uploaded it
   * @param trainerImage the image that trained
   */
  public static Provenance build(
      FineTuneJob job,
      String modelName,
      String modelDigest,
      Optional<FetchedInputs> inputs,
      String trainerImage,
      Instant startedOn,
      Instant finishedOn) {
    List<Provenance.Dependency> dependencies = new ArrayList<>();
    inputs.ifPresent(
        fetched -> {
          FetchedInputs.BaseModel base = fetched.baseModel();
          dependencies.add(dependency(Provenance.BASE_MODEL, base.uri(), base.digest()));
          dependencies.add(dependency(Provenance.DATASET, fetched.dataset()));
          fetched.evalDataset().ifPresent(e -> dependencies.add(dependency(EVALUATION_DATASET, e)));
        });
    int at = trainerImage.indexOf("@sha256:");
    dependencies.add(
        new Provenance.Dependency(
            Provenance.TRAINER_IMAGE,
            trainerImage,
            at < 0 ? "" : trainerImage.substring(at + "@sha256:".length())));
    return new Provenance(
        modelName,
        hex(modelDigest),
        BUILDER_ID,
        new Provenance.JobReference(
            job.getMetadata().getNamespace(),
            job.getMetadata().getName(),
            job.getMetadata().getUid(),
            job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration()),
        "sha256:" + specDigest(job),
        settings(job),
        dependencies,
        startedOn,
        finishedOn);
  }

  /** The method and hyperparameters as the trainer received them. */
  static JsonNode settings(FineTuneJob job) {
    ObjectNode settings = CANONICAL.createObjectNode();
    settings.set("method", CANONICAL.valueToTree(job.getSpec().getMethod()));
    if (job.getSpec().getHyperparameters() != null) {
      settings.set("hyperparameters", CANONICAL.valueToTree(job.getSpec().getHyperparameters()));
    }
    return settings;
  }

  /** SHA-256 of the spec with sorted keys, so the same spec always gives the same digest. */
  static String specDigest(FineTuneJob job) {
    try {
      JsonNode tree = CANONICAL.readTree(CANONICAL.writeValueAsString(job.getSpec()));
      return BoundedNames.digest(CANONICAL.writeValueAsString(sorted(tree)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = CANONICAL.createObjectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.stream().sorted().forEach(n -> out.set(n, sorted(node.get(n))));
      return out;
    }
    return node;
  }

  private static Provenance.Dependency dependency(String name, FetchedInputs.Input input) {
    return dependency(name, input.uri(), input.digest());
  }

  private static Provenance.Dependency dependency(String name, String uri, String digest) {
    return new Provenance.Dependency(name, uri, hex(digest));
  }

  private static String hex(String digest) {
    return digest.startsWith("sha256:") ? digest.substring("sha256:".length()) : digest;
  }
}
