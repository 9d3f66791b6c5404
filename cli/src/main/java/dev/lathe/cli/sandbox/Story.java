package dev.lathe.cli.sandbox;

import java.util.List;

/** The story, step by step. */
final class Story {

  static final String BASE = "tiny-base";
  static final String FIRST = "v1";

  /** The name clients ask for in the OpenAI "model" field; its ModelVersion changes, it doesn't. */
  static final String ADAPTER = "tiny-copy";

  private Story() {}

  /**
   * What the sandbox plays today: the platform team's trust and base model, a LoRA fine-tune that
   * publishes a signed, verified ModelVersion, a ModelDeployment that serves it through the OpenAI
   * API, and its lineage verified back to the base. The canary rollout (v2 promoted, v3 rolled
   * back) is the step to add here when the operator rolls out ModelDeployments.
   */
  static List<StoryStep> today() {
    return List.of(
        new TrustStep(),
        new BaseModelStep(BASE),
        new FineTuneStep(FIRST, BASE, DatasetStep.copyTask("copy.jsonl", 7)),
        new ServeStep(BASE, ADAPTER, FIRST),
        new LineageStep(FIRST));
  }
}
