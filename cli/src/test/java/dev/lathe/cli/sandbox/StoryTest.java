package dev.lathe.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.AnalysisRun;
import dev.lathe.api.v1alpha1.AnalysisVerdict;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.EvaluationMetric;
import dev.lathe.api.v1alpha1.MetricResult;
import dev.lathe.api.v1alpha1.MetricVerdict;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.RolloutAbort;
import dev.lathe.api.v1alpha1.RolloutRecord;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path claims;

  @Test
  void theStoryGoesFromTrustToServingV1ThenPromotesV2RollsBackV3AndEndsWithV2sLineage() {
    List<String> titles = Story.today().stream().map(StoryStep::title).toList();

    assertThat(titles).hasSize(9);
    assertThat(titles.get(0)).contains("signing key").contains("trust policy");
    assertThat(titles.get(1)).contains("ModelVersion tiny-base");
    assertThat(titles.get(2)).contains("FineTuneJob v1").contains("publishes ModelVersion v1");
    assertThat(titles.get(3))
        .contains("ModelDeployment tiny-chat serves tiny-base with adapter tiny-copy (v1)");
    assertThat(titles.get(4))
        .contains("FineTuneJob v2")
        .contains("copy-task examples")
        .contains("publishes ModelVersion v2");
    assertThat(titles.get(5))
        .contains("moves adapter tiny-copy from v1 to v2")
        .contains("gated steps (25%, 50%)")
        .endsWith("promoted");
    assertThat(titles.get(6)).contains("FineTuneJob v3").contains("wrong answers");
    assertThat(titles.get(7))
        .contains("moves adapter tiny-copy from v2 to v3")
        .endsWith("rolled back at its first gate");
    assertThat(titles.get(8)).contains("lineage of ModelVersion v2");
  }

  @Test
  void theCopyTaskDatasetIsTheSameEveryRunAndEachAnswerCopiesItsPrompt() throws Exception {
    DatasetStep.copyTask("copy.jsonl", 7).write(claims.resolve("one"));
    DatasetStep.copyTask("copy.jsonl", 7).write(claims.resolve("two"));
    Path one = claims.resolve("one/datasets/copy.jsonl");

    assertThat(Files.readString(one))
        .isEqualTo(Files.readString(claims.resolve("two/datasets/copy.jsonl")));
    List<String> lines = Files.readAllLines(one);
    assertThat(lines).hasSize(64);
    // Byte for byte across JVMs too: the prompt first, whatever a map's iteration order.
    assertThat(lines).allMatch(l -> l.startsWith("{\"prompt\":\"Copy: "));
    for (String line : lines) {
      JsonNode example = JSON.readTree(line);
      String completion = example.get("completion").asText();
      assertThat(completion).startsWith(" ");
      assertThat(completion.strip().split(" ")).hasSize(3);
      assertThat(example.get("prompt").asText()).isEqualTo("Copy:" + completion + " ->");
    }
  }

  @Test
  void theWrongAnswersSetAnswersEveryCopyPromptWithItsWordsReversed() throws Exception {
    DatasetStep.wrongAnswers("wrong.jsonl", 9, 16).write(claims);

    List<String> lines = Files.readAllLines(claims.resolve("datasets/wrong.jsonl"));
    assertThat(lines).hasSize(16);
    for (String line : lines) {
      JsonNode example = JSON.readTree(line);
      List<String> asked =
          new ArrayList<>(
              List.of(
                  example
                      .get("prompt")
                      .asText()
                      .replace("Copy: ", "")
                      .replace(" ->", "")
                      .split(" ")));
      List<String> reversed = new ArrayList<>(asked);
      java.util.Collections.reverse(reversed);
      assertThat(example.get("completion").asText()).isEqualTo(" " + String.join(" ", reversed));
      assertThat(example.get("completion").asText()).isNotEqualTo(" " + String.join(" ", asked));
    }
  }

  @Test
  void theEvaluationSetSharesNoPromptWithAnyTrainingSetAndHoldsEnoughItemsForTheGate()
      throws Exception {
    Story.EVALUATION.write(claims);
    DatasetStep.copyTask("copy.jsonl", 7).write(claims);
    DatasetStep.copyTask("copy-more.jsonl", 8, 192).write(claims);
    DatasetStep.wrongAnswers("copy-wrong.jsonl", 9, 64).write(claims);

    List<String> evaluation = prompts(claims.resolve("datasets/copy-eval.jsonl"));
    assertThat(evaluation).hasSize(48);
    // The gate needs minSamples (32) items, and a paired interval narrow enough to decide.
    assertThat(evaluation.size()).isGreaterThanOrEqualTo(32);
    HashSet<String> trained = new HashSet<>();
    for (String file : List.of("copy.jsonl", "copy-more.jsonl", "copy-wrong.jsonl")) {
      trained.addAll(prompts(claims.resolve("datasets").resolve(file)));
    }
    long seen = evaluation.stream().filter(trained::contains).count();
    assertThat(seen).as("evaluation prompts also trained on").isLessThan(evaluation.size() / 2);
  }

  @Test
  void everyStepTellsWhatToTypeToWatchIt() {
    StoryContext story =
        new StoryContext(
            StoryTarget.sandbox(null, new SandboxLayout(Path.of("/repo"), Path.of("/state"))),
            null,
            () -> {});

    for (StoryStep step : Story.today()) {
      assertThat(step.watch(story)).as(step.title()).isNotEmpty();
    }
    assertThat(Story.today().get(3).watch(story))
        .contains("kubectl lathe status md/tiny-chat -n demo --watch");
    assertThat(Story.today().get(5).watch(story))
        .contains("kubectl lathe status md/tiny-chat -n demo --watch")
        .contains("kubectl get md tiny-chat -n demo -w")
        .anyMatch(w -> w.startsWith("kubectl lathe promote md/tiny-chat -n demo"));
    assertThat(Story.today().get(8).watch(story).get(0))
        .startsWith("cli/bin/lathe lineage mv/v2 --namespace demo --kubeconfig /state/kubeconfig");
  }

  @Test
  void theRolloutManifestMovesOnlyTheAdapterAndGatesEveryStepOnTheEvaluationSet() {
    RolloutStep step = (RolloutStep) Story.today().get(5);

    ModelDeployment md = Serialization.unmarshal(step.manifest(), ModelDeployment.class);

    assertThat(md.getSpec().getModelVersion()).isEqualTo("tiny-base");
    assertThat(md.getSpec().getAdapters())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getName()).isEqualTo("tiny-copy");
              assertThat(a.getModelVersion()).isEqualTo("v2");
            });
    assertThat(md.getSpec().getRollout().getSteps())
        .extracting(s -> s.getWeight() + "/" + s.getEvaluate())
        .containsExactly("25/true", "50/true");
    assertThat(md.getSpec().getRollout().getScaleDownDelay()).isEqualTo("5s");
    assertThat(md.getSpec().getRollout().getEvaluation().getDataset().getUri())
        .isEqualTo("pvc://datasets/copy-eval.jsonl");
    assertThat(md.getSpec().getRollout().getEvaluation().getMinSamples()).isEqualTo(32);
    assertThat(md.getSpec().getRollout().getEvaluation().getThresholds())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getMetric()).isEqualTo(EvaluationMetric.ACCURACY);
              assertThat(t.getMaxRegression()).isEqualTo(0.1);
            });
  }

  @Test
  void aPromotionIsAHistoryRecordWithTheAdapterServedAtTheCandidateAndNoCanaryLeft() {
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setCanaryVersion("v2");
    status.setAdapters(List.of(adapter("v1")));
    assertThat(RolloutStep.promoted(status, "tiny-copy", "v2")).isFalse();

    RolloutRecord record = new RolloutRecord();
    record.setVersion("v2");
    status.setHistory(List.of(record));
    status.setCanaryVersion(null);
    assertThat(RolloutStep.promoted(status, "tiny-copy", "v2"))
        .as("recorded, but the adapter still serves v1")
        .isFalse();

    status.setAdapters(List.of(adapter("v2")));
    assertThat(RolloutStep.promoted(status, "tiny-copy", "v2")).isTrue();
    assertThat(RolloutStep.rolledBack(status, "v2")).isFalse();
  }

  @Test
  void aRollbackIsAnAbortNamingTheCandidateWithRolledBackTrue() {
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    RolloutAbort abort = new RolloutAbort();
    abort.setVersion("v3");
    abort.setReason(ModelDeploymentConditions.GATE_FAILED);
    status.setAbort(abort);
    assertThat(RolloutStep.rolledBack(status, "v3")).as("no RolledBack condition yet").isFalse();

    Condition rolledBack = new Condition();
    rolledBack.setType(ModelDeploymentConditions.ROLLED_BACK);
    rolledBack.setStatus(Condition.TRUE);
    rolledBack.setReason(ModelDeploymentConditions.GATE_FAILED);
    status.getConditions().add(rolledBack);

    assertThat(RolloutStep.rolledBack(status, "v3")).isTrue();
    assertThat(RolloutStep.rolledBack(status, "v4")).isFalse();
  }

  @Test
  void theRolloutsStateLineSaysWhereTheCanaryStandsAndWhy() {
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setCanaryAdapter("tiny-copy");
    status.setCanaryVersion("v2");
    status.setCanaryWeight(25);
    status.setCurrentStep(0);
    Condition progressing = new Condition();
    progressing.setType(ModelDeploymentConditions.PROGRESSING);
    progressing.setStatus(Condition.TRUE);
    progressing.setReason(ModelDeploymentConditions.GATE_RUNNING);
    progressing.setMessage("step 0: evaluating");
    status.getConditions().add(progressing);

    assertThat(RolloutStep.state(status, "v2"))
        .isEqualTo(
            "canary tiny-copy v2 at 25% (step 1); Progressing=True (GateRunning): step 0: evaluating");
    assertThat(RolloutStep.state(status, "v3")).startsWith("Progressing=True (GateRunning)");
  }

  @Test
  void aGateRunIsToldWithEachThresholdsSourceFiguresIntervalBoundAndVerdict() {
    AnalysisRun run = new AnalysisRun();
    run.setStep(0);
    run.setCanaryVersion("v3");
    run.setStableVersion("v2");
    run.setVerdict(AnalysisVerdict.Failed);
    run.setReason("GateFailed");
    run.setSamples(48);
    MetricResult accuracy = new MetricResult();
    accuracy.setMetric(EvaluationMetric.ACCURACY);
    accuracy.setCanary(0.0);
    accuracy.setStable(0.875);
    accuracy.setDifference(-0.875);
    accuracy.setIntervalLower(-0.94);
    accuracy.setIntervalUpper(-0.76);
    accuracy.setMaxRegression(0.1);
    accuracy.setVerdict(MetricVerdict.Failed);
    accuracy.setSource("evaluation");
    run.setResults(List.of(accuracy));

    assertThat(GateFigures.describe(run))
        .containsExactly(
            "gate of step 1 (v3 vs v2): Failed (GateFailed) on 48 items",
            "  accuracy (evaluation): candidate 0.0, stable 0.875, difference -0.875, 95% interval [-0.940,"
                + " -0.760], maxRegression 0.1 → Failed");
  }

  private static AdapterServingStatus adapter(String version) {
    AdapterServingStatus adapter = new AdapterServingStatus();
    adapter.setName("tiny-copy");
    adapter.setModelVersion(version);
    return adapter;
  }

  private static List<String> prompts(Path file) throws Exception {
    List<String> prompts = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      prompts.add(JSON.readTree(line).get("prompt").asText());
    }
    return prompts;
  }
}
