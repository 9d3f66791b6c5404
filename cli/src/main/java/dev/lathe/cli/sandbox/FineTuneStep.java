package dev.lathe.cli.sandbox;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneJob;
import dev.lathe.api.v1alpha1.FineTuneJobStatus;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.api.v1alpha1.TrainingProgress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * An application team's fine-tune: a LoRA FineTuneJob on one GPU that trains the base on a dataset
 * and publishes a signed ModelVersion of the same name, which the operator verifies.
 */
final class FineTuneStep implements StoryStep {

  private final String name;
  private final String base;
  private final DatasetStep dataset;
  private final int epochs;
  private final double learningRate;

  FineTuneStep(String name, String base, DatasetStep dataset, int epochs, double learningRate) {
    this.name = name;
    this.base = base;
    this.dataset = dataset;
    this.epochs = epochs;
    this.learningRate = learningRate;
  }

  @Override
  public String title() {
    return "LoRA FineTuneJob "
        + name
        + " trains "
        + base
        + " on "
        + dataset.uri()
        + " ("
        + dataset.describe()
        + ", "
        + epochs
        + " epochs) and publishes ModelVersion "
        + name;
  }

  @Override
  public List<String> watch(StoryContext story) {
    return List.of(
        "kubectl lathe status ftj/" + name + " -n " + StoryContext.NAMESPACE + " --watch",
        "kubectl get ftj,mv,jobs,pods -n " + StoryContext.NAMESPACE + " -w",
        "kubectl describe ftj " + name + " -n " + StoryContext.NAMESPACE);
  }

  @Override
  public void run(StoryContext story) throws Exception {
    dataset.write(story.target().claims());
    story.apply(
        """
        apiVersion: lathe.dev/v1alpha1
        kind: FineTuneJob
        metadata: {name: %s, namespace: %s}
        spec:
          baseModel: {modelVersion: %s}
          dataset:
            format: completion-jsonl
            storage: {uri: %s}
            evaluation: {fraction: 0.1}
          method: {type: lora, rank: 8, alpha: 16, targetModules: [q_proj, k_proj, v_proj, o_proj]}
          hyperparameters: {epochs: %s, batchSize: 8, learningRate: %s, seed: 7, checkpointEverySteps: 10}
          resources: {gpusPerNode: 1}
          trainer:
            env:
            - {name: DJL_CACHE_DIR, value: "%s"}
          output:
            modelName: tiny-copy
            storage: {uri: pvc://models/fine-tuned}
        """
            .formatted(
                name,
                StoryContext.NAMESPACE,
                base,
                dataset.uri(),
                epochs,
                learningRate,
                SandboxLayout.cache().resolve("djl")));
    story.await(
        FineTuneJob.class,
        name,
        j -> ConditionCheck.is(j.getStatus(), FineTuneJobStatus.SUCCEEDED, Condition.TRUE),
        j -> ConditionCheck.is(j.getStatus(), FineTuneJobStatus.FAILED, Condition.TRUE),
        FineTuneStep::state,
        Duration.ofMinutes(15));
    ModelVersion published =
        story.await(
            ModelVersion.class,
            name,
            v -> ConditionCheck.is(v.getStatus(), ModelVersionStatus.VERIFIED, Condition.TRUE),
            v -> ConditionCheck.is(v.getStatus(), ModelVersionStatus.VERIFIED, Condition.FALSE),
            v ->
                "ModelVersion "
                    + name
                    + ": "
                    + ConditionCheck.describe(v.getStatus(), ModelVersionStatus.VERIFIED),
            Duration.ofMinutes(3));
    story
        .narrator()
        .detail(
            "signed by key "
                + published.getStatus().getSignature().getKeyId()
                + ", artifact "
                + published.getStatus().getArtifact().getManifestDigest());
  }

  /** One line per change a user cares about: the phase, and progress in tenths. */
  private static String state(FineTuneJob job) {
    FineTuneJobStatus status = job.getStatus();
    if (status == null) {
      return "FineTuneJob created; waiting for the operator";
    }
    for (String type :
        List.of(
            FineTuneJobStatus.SUCCEEDED,
            FineTuneJobStatus.FAILED,
            FineTuneJobStatus.RUNNING,
            FineTuneJobStatus.QUEUED,
            FineTuneJobStatus.ACCEPTED)) {
      var condition = ConditionCheck.find(status, type);
      if (condition.isEmpty()) {
        continue;
      }
      Condition c = condition.get();
      if (type.equals(FineTuneJobStatus.RUNNING)
          && Condition.TRUE.equals(c.getStatus())
          && status.getProgress() != null
          && status.getProgress().getTotalSteps() != null) {
        TrainingProgress p = status.getProgress();
        long step = p.getStep() == null ? 0 : p.getStep();
        long tenth = p.getTotalSteps() == 0 ? 0 : step * 10 / p.getTotalSteps();
        return String.format(
            Locale.ROOT, "training: %d%% of %d steps", tenth * 10, p.getTotalSteps());
      }
      if (Condition.TRUE.equals(c.getStatus()) || type.equals(FineTuneJobStatus.ACCEPTED)) {
        return type + "=" + c.getStatus() + " (" + c.getReason() + "): " + c.getMessage();
      }
    }
    return "FineTuneJob created; waiting for the operator";
  }
}
