package dev.lathe.artifact.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.signing.ModelSigningStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What went into a model, as an in-toto statement with an SLSA provenance v1 predicate: the builder
 * (the operator), the build definition (the FineTuneJob and its settings), the resolved
 * dependencies (base model, dataset, trainer image, by digest) and the run's times. Its subject is
 * the model's root digest, so it cannot be moved onto another model.
 *
 * @param modelName the subject's name
 * @param modelDigest the model's root digest (hex), the subject's sha256
 * @param builderId who built it, e.g. https://lathe.dev/operator@v0.1.0
 * @param fineTuneJob namespace, name, uid and generation of the job
 * @param specDigest sha256 of the job spec as run
 * @param settings the method and hyperparameters as run, defaults resolved
 * @param dependencies base model, dataset, trainer image
 * @param startedOn when training started
 * @param finishedOn when it finished
 */
public record Provenance(
    String modelName,
    String modelDigest,
    String builderId,
    JobReference fineTuneJob,
    String specDigest,
    JsonNode settings,
    List<Dependency> dependencies,
    Instant startedOn,
    Instant finishedOn) {

  public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
  public static final String BUILD_TYPE = "https://lathe.dev/FineTuneJob/v1alpha1";

  /** The dependency name of the model a fine-tune started from: the lineage's parent. */
  public static final String BASE_MODEL = "base-model";

  public static final String DATASET = "dataset";
  public static final String TRAINER_IMAGE = "trainer-image";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The FineTuneJob that ran. */
  public record JobReference(String namespace, String name, String uid, long generation) {}

  /** A resolved input, by digest. */
  public record Dependency(String name, String uri, String sha256) {}

  public Provenance {
    dependencies = List.copyOf(dependencies);
  }

  /** The manifest digests of the models this one was built from. */
  public List<String> parents() {
    return dependencies.stream()
        .filter(d -> d.name().equals(BASE_MODEL))
        .map(Dependency::sha256)
        .toList();
  }

  public Optional<Dependency> dependency(String name) {
    return dependencies.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  public ObjectNode toStatement() {
    ObjectNode statement = JSON.createObjectNode();
    statement.put("_type", ModelSigningStatement.STATEMENT_TYPE);
    ObjectNode subject = statement.putArray("subject").addObject();
    subject.put("name", modelName);
    subject.putObject("digest").put("sha256", modelDigest);
    statement.put("predicateType", PREDICATE_TYPE);
    ObjectNode predicate = statement.putObject("predicate");
    ObjectNode definition = predicate.putObject("buildDefinition");
    definition.put("buildType", BUILD_TYPE);
    ObjectNode external = definition.putObject("externalParameters");
    ObjectNode job = external.putObject("fineTuneJob");
    job.put("namespace", fineTuneJob.namespace());
    job.put("name", fineTuneJob.name());
    job.put("uid", fineTuneJob.uid());
    job.put("generation", fineTuneJob.generation());
    external.put("specDigest", specDigest);
    external.set("settings", settings == null ? JSON.createObjectNode() : settings);
    ArrayNode resolved = definition.putArray("resolvedDependencies");
    for (Dependency dependency : dependencies) {
      ObjectNode d = resolved.addObject();
      d.put("name", dependency.name());
      d.put("uri", dependency.uri());
      d.putObject("digest").put("sha256", dependency.sha256());
    }
    ObjectNode run = predicate.putObject("runDetails");
    run.putObject("builder").put("id", builderId);
    ObjectNode metadata = run.putObject("metadata");
    metadata.put("invocationId", fineTuneJob.uid() + "/" + fineTuneJob.generation());
    metadata.put("startedOn", startedOn.toString());
    metadata.put("finishedOn", finishedOn.toString());
    return statement;
  }

  public static Provenance fromStatement(JsonNode statement) {
    if (!PREDICATE_TYPE.equals(statement.path("predicateType").asText())) {
      throw new ArtifactException("not an SLSA provenance v1 statement");
    }
    JsonNode subject = statement.path("subject").path(0);
    JsonNode definition = statement.path("predicate").path("buildDefinition");
    JsonNode external = definition.path("externalParameters");
    JsonNode job = external.path("fineTuneJob");
    List<Dependency> dependencies = new ArrayList<>();
    for (JsonNode d : definition.path("resolvedDependencies")) {
      dependencies.add(
          new Dependency(
              d.path("name").asText(),
              d.path("uri").asText(),
              d.path("digest").path("sha256").asText()));
    }
    JsonNode run = statement.path("predicate").path("runDetails");
    try {
      return new Provenance(
          subject.path("name").asText(),
          subject.path("digest").path("sha256").asText(),
          run.path("builder").path("id").asText(),
          new JobReference(
              job.path("namespace").asText(),
              job.path("name").asText(),
              job.path("uid").asText(),
              job.path("generation").asLong()),
          external.path("specDigest").asText(),
          external.path("settings"),
          dependencies,
          Instant.parse(run.path("metadata").path("startedOn").asText()),
          Instant.parse(run.path("metadata").path("finishedOn").asText()));
    } catch (java.time.format.DateTimeParseException e) {
      throw new ArtifactException("provenance run times are not RFC 3339: " + e.getMessage(), e);
    }
  }
}
