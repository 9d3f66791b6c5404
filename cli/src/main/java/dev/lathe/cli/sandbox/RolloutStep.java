package dev.lathe.cli.sandbox;

import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.RolloutAbort;
import dev.lathe.api.v1alpha1.RolloutRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An application team's change of adapter version: the ModelDeployment's adapter moves to a new
 * ModelVersion (the base stays), and the operator canaries it inside the same pods — the runtime
 * splits the adapter's requests by the step's weight — through gated steps, each scored by an
 * evaluation Job against the stable version on the same items. The story narrates every step, the
 * gate's figures and the outcome, while an application's client keeps asking the endpoint; it fails
 * unless the outcome is the one expected (a better version promoted, a worse one rolled back at its
 * first gate) and every request was answered.
 */
final class RolloutStep implements StoryStep {

  /** What the story expects of this rollout. */
  enum Outcome {
    PROMOTED,
    ROLLED_BACK
  }

  static final Duration LIMIT = Duration.ofMinutes(10);

  /** Answers in a row from the stable version after the outcome that show it serves alone. */
  static final int SETTLED = 10;

  private static final String DEPLOYMENT = ServeStep.DEPLOYMENT;

  private final String base;
  private final String adapter;
  private final String from;
  private final String to;
  private final Outcome expected;
  private final List<Integer> weights;
  private final DatasetStep evaluation;

  RolloutStep(
      String base,
      String adapter,
      String from,
      String to,
      Outcome expected,
      List<Integer> weights,
      DatasetStep evaluation) {
    this.base = base;
    this.adapter = adapter;
    this.from = from;
    this.to = to;
    this.expected = expected;
    this.weights = List.copyOf(weights);
    this.evaluation = evaluation;
  }

  @Override
  public String title() {
    return "ModelDeployment "
        + DEPLOYMENT
        + " moves adapter "
        + adapter
        + " from "
        + from
        + " to "
        + to
        + ": a canary through gated steps ("
        + weights.stream().map(w -> w + "%").collect(Collectors.joining(", "))
        + "), "
        + (expected == Outcome.PROMOTED ? "promoted" : "rolled back at its first gate");
  }

  @Override
  public List<String> watch(StoryContext story) {
    String ns = " -n " + StoryContext.NAMESPACE;
    return List.of(
        "kubectl lathe status md/" + DEPLOYMENT + ns + " --watch",
        "kubectl get md " + DEPLOYMENT + ns + " -w",
        "kubectl get jobs" + ns + " -l app.kubernetes.io/component=evaluation",
        "kubectl describe md " + DEPLOYMENT + ns + "   # Events: GateVerdict, Promoted, RolledBack",
        "kubectl lathe promote md/"
            + DEPLOYMENT
            + ns
            + "   # approves a step a gate left undecided");
  }

  /** The manifest an application team applies: the adapter's new version and how it rolls out. */
  String manifest() {
    String steps =
        weights.stream()
            .map(w -> "{weight: " + w + ", evaluate: true}")
            .collect(Collectors.joining(", "));
    return """
        apiVersion: lathe.dev/v1alpha1
        kind: ModelDeployment
        metadata: {name: %s, namespace: %s}
        spec:
          modelVersion: %s
          replicas: 1
          adapters:
          - {name: %s, modelVersion: %s}
          rollout:
            steps: [%s]
            scaleDownDelay: 5s
            evaluation:
              dataset: {uri: %s}
              minSamples: 32
              thresholds:
              - {metric: accuracy, maxRegression: 0.1}
        """
        .formatted(DEPLOYMENT, StoryContext.NAMESPACE, base, adapter, to, steps, evaluation.uri());
  }

  @Override
  public void run(StoryContext story) throws Exception {
    evaluation.write(story.target().claims());
    Map<String, String> names = digests(story);
    ModelDeployment before =
        story
            .client()
            .resources(ModelDeployment.class)
            .inNamespace(StoryContext.NAMESPACE)
            .withName(DEPLOYMENT)
            .require();
    String endpoint = before.getStatus().getEndpoint();
    story
        .narrator()
        .detail(
            "an application keeps asking "
                + endpoint
                + "/completions for model \""
                + adapter
                + "\" (one request at a time) while the adapter rolls out");
    try (Traffic traffic = Traffic.start(endpoint, adapter)) {
      story.apply(manifest());
      story
          .narrator()
          .detail(
              "applied: adapters["
                  + adapter
                  + "].modelVersion "
                  + from
                  + " → "
                  + to
                  + " (spec.modelVersion stays "
                  + base
                  + "), rollout steps "
                  + weights.stream().map(w -> w + "%").collect(Collectors.joining(" → "))
                  + ", each gated on "
                  + evaluation.uri()
                  + " ("
                  + evaluation.lines()
                  + " items): accuracy at most 0.1 below stable's");
      ModelDeployment done = follow(story);
      Instant outcome = Instant.now();
      String stable = expected == Outcome.PROMOTED ? to : from;
      String stableDigest =
          names.entrySet().stream()
              .filter(e -> e.getValue().equals(stable))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow();
      report(story, done);
      settle(story, traffic, stable, stableDigest, outcome);
      traffic.close();
      story.narrator().detail("requests for " + adapter + " meanwhile: " + traffic.summary(names));
      if (traffic.failures() > 0) {
        throw new IllegalStateException(
            traffic.failures()
                + " requests for "
                + adapter
                + " failed while "
                + to
                + " rolled out: "
                + traffic.firstFailure().orElse("?"));
      }
      if (traffic.answered() == 0) {
        throw new IllegalStateException("no request for " + adapter + " was answered");
      }
    }
  }

  /**
   * Follows the rollout until the expected outcome, telling each change of step, weight and
   * condition, and each gate run as it starts and ends; fails at the other outcome, at a gate that
   * could not decide, or after {@link #LIMIT}.
   */
  private ModelDeployment follow(StoryContext story) throws InterruptedException {
    Instant deadline = Instant.now().plus(LIMIT);
    Set<String> told = new HashSet<>();
    String last = null;
    String lastKey = null;
    while (true) {
      story.liveness();
      ModelDeployment md =
          story
              .client()
              .resources(ModelDeployment.class)
              .inNamespace(StoryContext.NAMESPACE)
              .withName(DEPLOYMENT)
              .get();
      ModelDeploymentStatus status = md == null ? null : md.getStatus();
      // Until the operator has seen the change, status still tells of the last rollout.
      if (status != null && observed(md)) {
        // A gate's verdict first: the step it lets the rollout move to comes after it.
        for (AnalysisRun run : runsOf(status, to)) {
          tellRun(story, run, told);
        }
        // A line when the step, the weight or the reason changes (a message may count seconds).
        String key = key(status, to);
        if (!key.equals(lastKey)) {
          last = state(status, to);
          story.narrator().detail(last);
          lastKey = key;
        }
        if (promoted(status, adapter, to)) {
          if (expected == Outcome.PROMOTED) {
            return md;
          }
          throw new IllegalStateException(
              to + " was promoted, but the story expected its gate to fail it");
        }
        if (rolledBack(status, to)) {
          if (expected == Outcome.ROLLED_BACK) {
            return md;
          }
          throw new IllegalStateException(
              to
                  + " was rolled back: "
                  + status.getAbort().getReason()
                  + ": "
                  + status.getAbort().getMessage());
        }
        Optional<AnalysisRun> undecided =
            runsOf(status, to).stream()
                .filter(r -> r.getVerdict() == AnalysisVerdict.Inconclusive)
                .findFirst();
        if (undecided.isPresent()) {
          throw new IllegalStateException(
              "the gate could not decide on "
                  + to
                  + " ("
                  + undecided.get().getMessage()
                  + "); the rollout holds for a person: kubectl lathe promote md/"
                  + DEPLOYMENT
                  + " -n "
                  + StoryContext.NAMESPACE
                  + " goes on, kubectl lathe abort rolls back");
        }
        if (expected == Outcome.ROLLED_BACK
            && runsOf(status, to).stream()
                .anyMatch(r -> r.getVerdict() == AnalysisVerdict.Passed)) {
          throw new IllegalStateException(
              to + " passed a gate, but the story expected it to fail its first");
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "the rollout of " + to + " did not end within " + LIMIT + "; last: " + last);
      }
      Thread.sleep(500);
    }
  }

  private static void tellRun(StoryContext story, AnalysisRun run, Set<String> told) {
    String key = run.getStep() + "/" + run.getJob();
    boolean ended = run.getVerdict() != null && run.getVerdict() != AnalysisVerdict.Running;
    // A run is recorded a moment before its Job is named: it is told once it has a Job to watch.
    if (!ended && run.getJob() != null && told.add(key + "/running")) {
      story
          .narrator()
          .detail(
              "gate of step "
                  + (run.getStep() == null ? "?" : run.getStep() + 1)
                  + " running: evaluation Job "
                  + run.getJob()
                  + " asks "
                  + run.getCanaryVersion()
                  + " and "
                  + run.getStableVersion()
                  + " the same items (kubectl logs job/"
                  + run.getJob()
                  + " -n "
                  + StoryContext.NAMESPACE
                  + ")");
    }
    if (ended && told.add(key + "/ended")) {
      GateFigures.describe(run).forEach(line -> story.narrator().detail(line));
    }
  }

  static boolean observed(ModelDeployment md) {
    Long generation = md.getMetadata().getGeneration();
    Long observed = md.getStatus().getObservedGeneration();
    return generation == null || (observed != null && observed >= generation);
  }

  /** What has changed for a user: where the canary stands and why, in one line. */
  static String state(ModelDeploymentStatus status, String candidate) {
    Optional<Condition> progressing =
        ConditionCheck.find(status, ModelDeploymentConditions.PROGRESSING);
    String why =
        progressing
            .map(
                c ->
                    c.getType()
                        + "="
                        + c.getStatus()
                        + " ("
                        + c.getReason()
                        + ")"
                        + (c.getMessage() == null ? "" : ": " + c.getMessage()))
            .orElse("Progressing: not reported yet");
    if (candidate.equals(status.getCanaryVersion())) {
      return "canary "
          + Optional.ofNullable(status.getCanaryAdapter()).map(a -> a + " ").orElse("")
          + candidate
          + " at "
          + Optional.ofNullable(status.getCanaryWeight()).orElse(0)
          + "% (step "
          + Optional.ofNullable(status.getCurrentStep()).map(s -> s + 1).orElse(0)
          + "); "
          + why;
    }
    return why;
  }

  static String key(ModelDeploymentStatus status, String candidate) {
    return (candidate.equals(status.getCanaryVersion()) ? candidate : "-")
        + "/"
        + status.getCanaryWeight()
        + "/"
        + status.getCurrentStep()
        + "/"
        + ConditionCheck.find(status, ModelDeploymentConditions.PROGRESSING)
            .map(c -> c.getStatus() + c.getReason())
            .orElse("");
  }

  /** The gate runs that judged {@code candidate} (those of an earlier rollout may linger). */
  static List<AnalysisRun> runsOf(ModelDeploymentStatus status, String candidate) {
    return Optional.ofNullable(status.getAnalysisRuns()).orElse(List.of()).stream()
        .filter(r -> candidate.equals(r.getCanaryVersion()))
        .toList();
  }

  /** Promoted: a promotion of it in history, the adapter served at it, no canary left. */
  static boolean promoted(ModelDeploymentStatus status, String adapter, String candidate) {
    boolean recorded =
        Optional.ofNullable(status.getHistory()).orElse(List.of()).stream()
            .anyMatch(r -> candidate.equals(r.getVersion()));
    return recorded
        && candidate.equals(adapterVersion(status, adapter).orElse(null))
        && !candidate.equals(status.getCanaryVersion());
  }

  /** Rolled back: the abort names it and RolledBack is True. */
  static boolean rolledBack(ModelDeploymentStatus status, String candidate) {
    return status.getAbort() != null
        && candidate.equals(status.getAbort().getVersion())
        && ConditionCheck.is(status, ModelDeploymentConditions.ROLLED_BACK, Condition.TRUE);
  }

  static Optional<String> adapterVersion(ModelDeploymentStatus status, String adapter) {
    return Optional.ofNullable(status.getAdapters()).orElse(List.of()).stream()
        .filter(a -> adapter.equals(a.getName()))
        .map(AdapterServingStatus::getModelVersion)
        .findFirst();
  }

  /** The outcome as status records it: the promotion or the abort, and what serves now. */
  private void report(StoryContext story, ModelDeployment md) {
    ModelDeploymentStatus status = md.getStatus();
    if (expected == Outcome.PROMOTED) {
      RolloutRecord record =
          status.getHistory().stream()
              .filter(r -> to.equals(r.getVersion()))
              .reduce((a, b) -> b)
              .orElseThrow();
      story
          .narrator()
          .detail(
              "promoted: "
                  + Optional.ofNullable(record.getAdapter()).map(a -> a + " ").orElse("")
                  + record.getVersion()
                  + " ("
                  + record.getDigest()
                  + ") replaced "
                  + record.getPreviousVersion()
                  + " at "
                  + record.getPromotedAt()
                  + "; gate: "
                  + record.getGate());
    } else {
      RolloutAbort abort = status.getAbort();
      story
          .narrator()
          .detail(
              "rolled back at step "
                  + Optional.ofNullable(abort.getStep()).map(s -> s + 1).orElse(0)
                  + ": "
                  + Optional.ofNullable(abort.getAdapter()).map(a -> a + " ").orElse("")
                  + abort.getVersion()
                  + " "
                  + abort.getReason()
                  + ": "
                  + abort.getMessage());
    }
    for (String type :
        List.of(
            ModelDeploymentConditions.ROLLED_BACK,
            ModelDeploymentConditions.DEGRADED,
            ModelDeploymentConditions.READY)) {
      ConditionCheck.find(status, type)
          .ifPresent(
              c ->
                  story
                      .narrator()
                      .detail(
                          "  " + c.getType() + "=" + c.getStatus() + " (" + c.getReason() + ")"));
    }
    story
        .narrator()
        .detail(
            "adapter "
                + adapter
                + " serves "
                + adapterVersion(status, adapter).orElse("?")
                + " (status.adapters)");
  }

  /**
   * Waits until {@link #SETTLED} answers in a row came from the stable version: the runtime has
   * left the split, so every answer is stable's.
   */
  private void settle(
      StoryContext story, Traffic traffic, String stable, String digest, Instant outcome)
      throws InterruptedException {
    Instant deadline = outcome.plus(Duration.ofMinutes(2));
    while (traffic.streakOf(digest) < SETTLED) {
      story.liveness();
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "after the "
                + (expected == Outcome.PROMOTED ? "promotion" : "rollback")
                + " the answers still do not all come from "
                + stable
                + " ("
                + digest
                + ")");
      }
      Thread.sleep(200);
    }
    story
        .narrator()
        .detail(
            "every answer now comes from "
                + stable
                + ": the last "
                + SETTLED
                + " in a row named "
                + digest
                + " (system_fingerprint), "
                + Narrator.seconds(Duration.between(outcome, Instant.now()))
                + " after the "
                + (expected == Outcome.PROMOTED ? "promotion" : "rollback"));
  }

  /** The adapter's ModelVersions by their verified manifest digest, as responses name them. */
  private Map<String, String> digests(StoryContext story) {
    return story
        .client()
        .resources(ModelVersion.class)
        .inNamespace(StoryContext.NAMESPACE)
        .list()
        .getItems()
        .stream()
        .filter(
            v ->
                v.getStatus() != null
                    && v.getStatus().getArtifact() != null
                    && v.getStatus().getArtifact().getManifestDigest() != null)
        .collect(
            Collectors.toMap(
                v -> v.getStatus().getArtifact().getManifestDigest(),
                v -> v.getMetadata().getName(),
                (a, b) -> a));
  }
}
