package dev.lathe.cli.sandbox;

import java.util.List;

/** The story, step by step. */
final class Story {

  static final String BASE = "tiny-base";
  static final String FIRST = "v1";

  private Story() {}

  /**
   * What the sandbox plays today: the platform team's trust and base model, a LoRA fine-tune that
   * publishes a signed, verified ModelVersion, and its lineage verified back to the base. Serving
   * (a ModelDeployment answering through the OpenAI API) and the canary rollout (v2 promoted, v3
   * rolled back) are steps to add here when the operator serves ModelDeployments.
   */
  static List<StoryStep> today() {
    return List.of(
        new TrustStep(),
        new BaseModelStep(BASE),
        new FineTuneStep(FIRST, BASE, DatasetStep.copyTask("copy.jsonl", 7)),
        new LineageStep(FIRST));
  }
}
