package dev.lathe.operator.modeldeployment;

import static dev.lathe.operator.modeldeployment.ServingWorld.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.CanaryPause;
import dev.lathe.api.v1alpha1.CanaryStep;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.EvaluationGate;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.MetricThreshold;
import dev.lathe.api.v1alpha1.RolloutSpec;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.operator.serving.ServingNames;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A ModelDeployment whose stable version serves and whose spec then names a candidate, driven
 * through {@link ServingLoop} against {@link TestingServingActions} and {@link TestingRolloutGate}:
 * each reconcile sees what the last wrote and what the cluster did. {@link #restart} replaces the
 * loop, decision and gate with new ones over the same cluster, as a new operator process would.
 */
final class RolloutHarness {

  static final String NEXT = "support-bot-v4";
  static final Duration RECHECK = Duration.ofSeconds(30);

  final ServingWorld world = new ServingWorld();
  final TestingServingActions actions = new TestingServingActions(world);
  TestingRolloutGate gate = new TestingRolloutGate();
  ServingLoop loop = new ServingLoop(new ServingDecision(RECHECK, Optional.of(gate)), actions);
  final List<String> events = new ArrayList<>();
  Instant now = Instant.parse("2026-12-01T12:00:00Z");
  ServingPlan last;

  /** The stable version serving {@code replicas} ready pods, then a rollout of NEXT begun. */
  RolloutHarness(int replicas, CanaryStep... steps) {
    world.verified(BASE).replicas(replicas);
    reconcile();
    world.settle();
    reconcile();
    assertThat(last.status().getStableVersion()).isEqualTo(BASE);
    RolloutSpec rollout = new RolloutSpec();
    rollout.setSteps(List.of(steps));
    rollout.setEvaluation(gateSpec());
    world.deployment.getSpec().setRollout(rollout);
    world.names(NEXT).verified(NEXT);
    events.clear();
  }

  static CanaryStep step(int weight) {
    CanaryStep step = new CanaryStep();
    step.setWeight(weight);
    return step;
  }

  static CanaryStep paused(int weight, String duration) {
    CanaryStep step = step(weight);
    CanaryPause pause = new CanaryPause();
    pause.setDuration(duration);
    step.setPause(pause);
    return step;
  }

  static CanaryStep gated(CanaryStep step) {
    step.setEvaluate(true);
    return step;
  }

  static EvaluationGate gateSpec() {
    StorageLocation dataset = new StorageLocation();
    dataset.setUri("s3://datasets/support/eval.jsonl");
    MetricThreshold accuracy = new MetricThreshold();
    accuracy.setMetric(EvaluationMetric.ACCURACY);
    accuracy.setMin(0.8);
    accuracy.setMaxRegression(0.02);
    EvaluationGate gate = new EvaluationGate();
    gate.setDataset(dataset);
    gate.setThresholds(List.of(accuracy));
    return gate;
  }

  RolloutSpec rollout() {
    return world.deployment.getSpec().getRollout();
  }

  ServingPlan reconcile() {
    last = loop.run(world.snapshot(), now);
    world.reported(last);
    last.conditions().events().forEach(e -> events.add(e.type() + " " + e.reason()));
    now = now.plusSeconds(1);
    return last;
  }

  /** Settles the Deployments and reconciles until Progressing has {@code reason}. */
  ServingPlan until(String reason, String... stuck) {
    return untilPlan(p -> reason.equals(reason(p, "Progressing")), "Progressing " + reason, stuck);
  }

  ServingPlan untilPlan(Predicate<ServingPlan> done, String what, String... stuck) {
    for (int i = 0; i < 20; i++) {
      world.settle(stuck);
      reconcile();
      if (done.test(last)) {
        return last;
      }
    }
    throw new AssertionError(
        "never reached "
            + what
            + "; Progressing is "
            + condition(last, "Progressing").getReason()
            + ": "
            + condition(last, "Progressing").getMessage());
  }

  /** The Job named {@code job} ends with the verdict the gate will read from it. */
  void gateSays(String job, AnalysisVerdict verdict, String message, MetricResult... results) {
    world.jobEnds(job);
    gate.says(job, verdict, message, results);
  }

  void restart() {
    gate = copyOf(gate);
    loop = new ServingLoop(new ServingDecision(RECHECK, Optional.of(gate)), actions);
  }

  private static TestingRolloutGate copyOf(TestingRolloutGate before) {
    TestingRolloutGate fresh = new TestingRolloutGate();
    fresh.verdicts.putAll(before.verdicts);
    return fresh;
  }

  static String reason(ServingPlan plan, String type) {
    return plan.conditions().get(type).map(Condition::getReason).orElse(null);
  }

  static Condition condition(ServingPlan plan, String type) {
    return plan.conditions().get(type).orElseThrow();
  }

  int replicasOf(String version) {
    return world
        .get(Deployment.class, ServingNames.deployment(world.deployment, version))
        .getSpec()
        .getReplicas();
  }

  Service service(String version) {
    return world.get(Service.class, ServingNames.versionService(world.deployment, version));
  }

  Service endpoint() {
    return world.get(Service.class, ServingNames.endpointService(world.deployment));
  }

  List<String> jobs() {
    return world.all(Job.class).stream().map(j -> j.getMetadata().getName()).toList();
  }

  String digest(String version) {
    return ServingWorld.digestOf(version);
  }
}
