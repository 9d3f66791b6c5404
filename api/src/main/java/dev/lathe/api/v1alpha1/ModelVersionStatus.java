package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lathe.api.schema.ConditionsKeyedByType;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the operator verified of a ModelVersion. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ConditionsKeyedByType.class, input = "")
public class ModelVersionStatus implements ConditionedStatus {

  /** Condition type: the spec passed the operator's semantic checks and its references resolve. */
  public static final String ACCEPTED = "Accepted";

  /** Condition type: signature and every file digest checked against the trust policy. */
  public static final String VERIFIED = "Verified";

  /** Condition type: verified and its storage reachable, so deployments may use it. */
  public static final String AVAILABLE = "Available";

  @JsonPropertyDescription(
      "observedGeneration is the metadata.generation of the spec the conditions describe.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "conditions are Accepted, Verified and Available, each with a reason and a message.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("artifact is where the files are and the digest of their manifest.")
  private ArtifactStatus artifact;

  @JsonPropertyDescription(
      "signature says who signed the manifest, how, and where the envelope is.")
  private SignatureStatus signature;

  @JsonPropertyDescription("lineage is what went into this version, from the signed provenance.")
  private Lineage lineage;

  @JsonPropertyDescription(
      "metrics are the trainer's final figures, for example trainLoss and evalLoss.")
  private Map<String, Double> metrics;

  @Override
  public Long getObservedGeneration() {
    return observedGeneration;
  }

  @Override
  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ArtifactStatus getArtifact() {
    return artifact;
  }

  public void setArtifact(ArtifactStatus artifact) {
    this.artifact = artifact;
  }

  public SignatureStatus getSignature() {
    return signature;
  }

  public void setSignature(SignatureStatus signature) {
    this.signature = signature;
  }

  public Lineage getLineage() {
    return lineage;
  }

  public void setLineage(Lineage lineage) {
    this.lineage = lineage;
  }

  public Map<String, Double> getMetrics() {
    return metrics;
  }

  public void setMetrics(Map<String, Double> metrics) {
    this.metrics = metrics;
  }
}
