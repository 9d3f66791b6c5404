package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.TrainingProgress;
import dev.lathe.operator.status.Failure;
import java.util.Optional;

/** What publishing a finished attempt came to. */
public sealed interface PublishOutcome {

  /**
   * @param finalProgress the trainer's last progress report, read once more after publishing
   */
  record Published(
      String modelVersion, String manifestDigest, Optional<TrainingProgress> finalProgress)
      implements PublishOutcome {}

  record NotPublished(Failure failure) implements PublishOutcome {}
}
