package dev.lathe.cli.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The story, step by step. */
final class Story {

  static final String BASE = "tiny-base";
  static final String FIRST = "v1";

  /** The name clients ask for in the OpenAI "model" field; its ModelVersion changes, it doesn't. */
  static final String ADAPTER = "tiny-copy";

  /**
   * The better adapter version, trained on three times the examples of the same task, twice as
   * long: measured with the sandbox's trainer on {@link #EVALUATION}, v1 copies 0 to 2 of its 48
   * prompts and v2 33, so v2's gates pass with the whole interval above 0; it is promoted.
   */
  static final String BETTER = "v2";

  /**
   * The worse one, trained on wrong answers (the words reversed): it copies none of the evaluation
   * prompts, so its first gate fails with the whole interval below -0.5; it is rolled back.
   */
  static final String WORSE = "v3";

  /**
   * The gate's evaluation set: copy-task prompts from a seed no training set uses, each with the
   * right answer.
   */
  static final DatasetStep EVALUATION = DatasetStep.copyTask("copy-eval.jsonl", 99, 48);

  /** The canary's gated steps: its share of the adapter's requests at each. */
  static final List<Integer> WEIGHTS = List.of(25, 50);

  private Story() {}

  /**
   * What the sandbox plays today: the platform team's trust and base model; a LoRA fine-tune that
   * publishes a signed, verified ModelVersion; a ModelDeployment that serves it through the OpenAI
   * API; a better version trained and rolled out through gated canary steps to promotion; a worse
   * one rolled back at its first gate while the better one keeps answering; and the serving
   * version's lineage verified back to the base.
   */
  static List<StoryStep> today() {
    return List.of(
        new TrustStep(),
        new BaseModelStep(BASE),
        new FineTuneStep(FIRST, BASE, DatasetStep.copyTask("copy.jsonl", 7), 8, 0.003),
        new ServeStep(BASE, ADAPTER, FIRST),
        new FineTuneStep(BETTER, BASE, DatasetStep.copyTask("copy-more.jsonl", 8, 192), 16, 0.005),
        new RolloutStep(
            BASE, ADAPTER, FIRST, BETTER, RolloutStep.Outcome.PROMOTED, WEIGHTS, EVALUATION),
        new FineTuneStep(
            WORSE, BASE, DatasetStep.wrongAnswers("copy-wrong.jsonl", 9, 64), 16, 0.005),
        new RolloutStep(
            BASE, ADAPTER, BETTER, WORSE, RolloutStep.Outcome.ROLLED_BACK, WEIGHTS, EVALUATION),
        new LineageStep(BETTER));
  }

  /**
   * The story on a cluster where Lathe is already installed, as by its chart: the platform team's
   * signing key and trust policy are the installation's, so the story starts at the base model.
   */
  static List<StoryStep> withLatheInstalled() {
    return today().stream().filter(step -> !(step instanceof TrustStep)).toList();
  }

  /**
   * Plays the steps in order, each told with what to type to watch it and how long it took, then
   * what the story left in its namespace.
   */
  static void play(List<StoryStep> steps, StoryContext story) throws Exception {
    Narrator narrator = story.narrator();
    Instant began = Instant.now();
    for (StoryStep step : steps) {
      narrator.step(step.title(), step.watch(story));
      step.run(story);
      narrator.stepDone();
    }
    narrator.phase("the story took " + Narrator.seconds(Duration.between(began, Instant.now())));
    StorySummary.print(story.client(), narrator);
  }
}
