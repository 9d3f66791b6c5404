package dev.lathe.operator.finetunejob;

import dev.lathe.api.v1alpha1.FineTuneJob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link TrainingActions} in memory for tests: records every step it is asked to take, lets a test
 * refuse the next workloads as an admission policy would, answers publishing with scripted
 * outcomes, and tells the test's world what it created (as the API server would, through the
 * informer).
 */
final class TestingTrainingActions implements TrainingActions {

  final List<TrainingStep> taken = new ArrayList<>();
  final Deque<String> rejections = new ArrayDeque<>();
  final Deque<PublishOutcome> publishing = new ArrayDeque<>();
  int forgotten;
  private final Consumer<TrainingStep> world;

  TestingTrainingActions(Consumer<TrainingStep> world) {
    this.world = world;
  }

  @Override
  public void createWorkload(FineTuneJob job, TrainingStep.CreateWorkload step) {
    taken.add(step);
    if (!rejections.isEmpty()) {
      throw new WorkloadRejected(rejections.pop());
    }
    world.accept(step);
  }

  @Override
  public void setSuspension(FineTuneJob job, TrainingStep.SetSuspension step) {
    taken.add(step);
    world.accept(step);
  }

  @Override
  public PublishOutcome publish(FineTuneJob job, TrainingStep.Publish step) {
    taken.add(step);
    if (publishing.isEmpty()) {
      throw new AssertionError("publishing was not expected");
    }
    return publishing.pop();
  }

  @Override
  public void forgetProgress(FineTuneJob job) {
    forgotten++;
  }

  <T extends TrainingStep> long count(Class<T> type) {
    return taken.stream().filter(type::isInstance).count();
  }
}
