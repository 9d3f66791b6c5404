package dev.lathe.operator.training;

import dev.lathe.operator.workloads.JobConditions;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an attempt's batch Job and its pods say about training, in the FineTuneJob's terms. Pure:
 * the reconciler reads the objects, this reads their status.
 *
 * @param state where training stands
 * @param message a sentence for the condition: on failure the Job's reason and the trainer's own
 *     termination message, which names what went wrong
 * @param activePods pods running or starting
 */
public record TrainingObservation(State state, String message, int activePods) {

  public enum State {
    /** The Job exists but is suspended: by spec.suspend, or until Kueue admits it. */
    SUSPENDED,
    /** Pods are being created or initialising (fetching the base model and data). */
    STARTING,
    /** The trainer container runs. */
    RUNNING,
    /** Every pod succeeded: the artifact is in storage, waiting to be signed. */
    SUCCEEDED,
    /** The Job failed for good: backoff limit, deadline, or a pod failure policy. */
    FAILED
  }

  public static TrainingObservation of(Job job, List<Pod> pods) {
    var status = job.getStatus();
    if (JobConditions.isTrue(job, "Complete")) {
      return new TrainingObservation(State.SUCCEEDED, "training finished", 0);
    }
    if (JobConditions.isTrue(job, "Failed")) {
      JobCondition failed = JobConditions.find(job, "Failed").orElseThrow();
      String why =
          Optional.ofNullable(failed.getMessage()).orElse(failed.getReason())
              + lastTermination(pods).map(m -> ": " + m).orElse("");
      return new TrainingObservation(
          State.FAILED, Optional.ofNullable(failed.getReason()).orElse("Failed") + " — " + why, 0);
    }
    int active = status == null || status.getActive() == null ? 0 : status.getActive();
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return new TrainingObservation(State.SUSPENDED, "the Job is suspended", active);
    }
    boolean trainerRunning =
        pods.stream()
            .flatMap(p -> containerStatuses(p, false))
            .anyMatch(
                s ->
                    TrainingJobBuilder.TRAINER_CONTAINER.equals(s.getName())
                        && s.getState() != null
                        && s.getState().getRunning() != null);
    if (trainerRunning) {
      return new TrainingObservation(
          State.RUNNING, active + " training pod" + (active == 1 ? "" : "s") + " running", active);
    }
    int failed = status == null || status.getFailed() == null ? 0 : status.getFailed();
    String retry =
        failed == 0
            ? ""
            : "; "
                + failed
                + " pod"
                + (failed == 1 ? "" : "s")
                + " failed so far"
                + lastTermination(pods).map(m -> " (last: " + m + ")").orElse("");
    return new TrainingObservation(
        State.STARTING, "fetching and verifying the base model and dataset" + retry, active);
  }

  /** The newest termination message of a failed container, trainer first, then the fetch step. */
  static Optional<String> lastTermination(List<Pod> pods) {
    List<ContainerStatus> terminated = new ArrayList<>();
    pods.stream()
        .flatMap(p -> Stream.concat(containerStatuses(p, false), containerStatuses(p, true)))
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
        .filter(s -> s.getState().getTerminated().getExitCode() != 0)
        .forEach(terminated::add);
    return terminated.stream()
        .max(
            Comparator.comparing(
                s -> Optional.ofNullable(s.getState().getTerminated().getFinishedAt()).orElse("")))
        .map(
            s -> {
              var t = s.getState().getTerminated();
              String text =
                  Optional.ofNullable(t.getMessage())
                      .filter(m -> !m.isBlank())
                      .orElse(Optional.ofNullable(t.getReason()).orElse("exit " + t.getExitCode()));
              return s.getName() + " exited " + t.getExitCode() + ": " + text.strip();
            });
  }

  private static Stream<ContainerStatus> containerStatuses(Pod pod, boolean init) {
    if (pod.getStatus() == null) {
      return Stream.empty();
    }
    List<ContainerStatus> list =
        init ? pod.getStatus().getInitContainerStatuses() : pod.getStatus().getContainerStatuses();
    return list == null ? Stream.empty() : list.stream();
  }
}
