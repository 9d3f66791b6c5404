package dev.lathe.operator.rollout;

import dev.lathe.api.v1alpha1.EvaluationGate;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.operator.serving.ServingInputs;
import java.util.List;

/**
 * One evaluation gate of one rollout step: which candidate is judged against which stable version,
 * and where each is reached. Everything in it comes from the ModelDeployment's status and the
 * verified ModelVersions, so a restarted operator builds the same request (and so the same gate Job
 * name) again.
 *
 * @param deployment the ModelDeployment as observed (its spec's gate; never mutated)
 * @param step the index of the gated step in spec.rollout.steps, from 0
 * @param gate the gate to run (spec.rollout.evaluation)
 * @param candidateVersion the ModelVersion rolled out
 * @param candidateDigest its verified manifest digest ({@code sha256:…})
 * @param candidateService the name of the candidate's version Service
 * @param stableVersion the ModelVersion it is compared with
 * @param stableDigest the stable version's verified manifest digest
 * @param stableService the name of the stable version's Service
 * @param inputs the runtime image and the namespace's trusted keys, as serving pods get them
 * @param attempt which run of this step's gate this is, from 0 (a failureLimit or
 *     consecutiveErrorLimit re-run is a new attempt, so a new Job); part of the Job name
 * @param candidatePods the candidate's ready pods as {@code IP:PORT} of their HTTP port, whose
 *     /metrics give the live figures; empty leaves the live metrics without data (Inconclusive)
 * @param stablePods the stable version's ready pods, the same way
 * @param candidateModel the OpenAI model field that reaches the candidate, or null for the
 *     deployment's served model name (a rollout of spec.modelVersion); for an adapter rollout the
 *     adapter pinned to the candidate's digest ({@code NAME@sha256:…}), on the same pods as stable
 * @param stableModel the model field that reaches the stable version, the same way
 */
public record GateRequest(
    ModelDeployment deployment,
    int step,
    EvaluationGate gate,
    String candidateVersion,
    String candidateDigest,
    String candidateService,
    String stableVersion,
    String stableDigest,
    String stableService,
    ServingInputs inputs,
    int attempt,
    List<String> candidatePods,
    List<String> stablePods,
    String candidateModel,
    String stableModel) {

  public GateRequest {
    candidatePods = List.copyOf(candidatePods);
    stablePods = List.copyOf(stablePods);
  }
}
