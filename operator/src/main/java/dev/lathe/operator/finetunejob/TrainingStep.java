package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.operator.training.TrainingInputs;
import java.time.Instant;

/** One effect a FineTuneJob decision asks for; {@link TrainingActions} carries it out. */
public sealed interface TrainingStep {

  /**
   * Create the attempt's checkpoint claim, rendezvous Service (several nodes) and batch Job, each
   * only if absent. {@code inputs.trustedKeys()} is filled in by the actions, which read the trust
   * policy.
   */
  record CreateWorkload(TrainingInputs inputs) implements TrainingStep {}

  /** Set the batch Job's spec.suspend to follow the FineTuneJob's. */
  record SetSuspension(String jobName, boolean suspend) implements TrainingStep {}

  /** Sign the finished attempt's artifact and create its ModelVersion. */
  record Publish(
      StorageLocation attempt,
      String modelName,
      String trainerImage,
      Instant startedOn,
      Instant finishedOn)
      implements TrainingStep {}
}
