package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.EvaluationGate;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentSpec;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.operator.rollout.GateRequest;
import dev.lathe.operator.serving.ServingInputs;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** Gate requests as the rollout decision makes them, for the gate's tests. */
final class GateRequests {

  static final String CANDIDATE_DIGEST = "sha256:" + "c0ffee".repeat(10) + "abcd";
  static final String STABLE_DIGEST = "sha256:" + "5ab1e0".repeat(10) + "abcd";

  private GateRequests() {}

  static ModelDeployment deployment() {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(
        new ObjectMetaBuilder().withName("chat").withNamespace("ml").withUid("uid-chat").build());
    ModelDeploymentSpec spec = new ModelDeploymentSpec();
    spec.setModelVersion("chat-v2");
    md.setSpec(spec);
    return md;
  }

  static EvaluationGate gate() {
    StorageLocation dataset = new StorageLocation();
    dataset.setUri("s3://evals/chat/qa.jsonl");
    dataset.setEndpoint("http://minio.storage:9000");
    dataset.setPathStyle(true);
    dataset.setCredentialsSecret("eval-creds");
    EvaluationGate gate = new EvaluationGate();
    gate.setDataset(dataset);
    gate.setMaxSamples(200);
    gate.setThresholds(List.of(Reports.threshold(EvaluationMetric.ACCURACY, null, null, 0.05)));
    return gate;
  }

  static GateRequest request(EvaluationGate gate, int attempt, List<String> candidatePods) {
    return new GateRequest(
        deployment(),
        1,
        gate,
        "chat-v2",
        CANDIDATE_DIGEST,
        "chat-chat-v2",
        "chat-v1",
        STABLE_DIGEST,
        "chat-chat-v1",
        new ServingInputs("lathe-runtime:1", "keys"),
        attempt,
        candidatePods,
        List.of("10.0.0.9:8000"),
        null,
        null);
  }

  /** An adapter rollout's request: both versions on {@code pods}, told apart by pinned names. */
  static GateRequest pinned(EvaluationGate gate, List<String> pods) {
    GateRequest r = request(gate, 0, pods);
    return new GateRequest(
        r.deployment(),
        r.step(),
        gate,
        r.candidateVersion(),
        r.candidateDigest(),
        r.candidateService(),
        r.stableVersion(),
        r.stableDigest(),
        r.candidateService(),
        r.inputs(),
        0,
        pods,
        pods,
        "copy@" + CANDIDATE_DIGEST,
        "copy@" + STABLE_DIGEST);
  }

  static GateRequest request() {
    return request(gate(), 0, List.of("10.0.0.7:8000", "10.0.0.8:8000"));
  }
}
