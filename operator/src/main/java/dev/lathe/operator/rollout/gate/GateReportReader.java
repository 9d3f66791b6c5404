package dev.lathe.operator.rollout.gate;

import dev.lathe.artifact.contract.GateReport;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an evaluation Job's pod said when its container ended: a gate report, or the reason it could
 * not evaluate, from the termination message. Pure.
 */
final class GateReportReader {

  /** The container's end: its exit code and termination message. */
  record Ending(int exitCode, String message) {

    boolean isReport() {
      return message.startsWith(GateReport.PREFIX);
    }
  }

  private GateReportReader() {}

  /**
   * The ending of the evaluate container of the Job's newest pod that has one. Pods are matched by
   * the Job's name label, so a stray pod handed in cannot speak for the Job.
   */
  static Optional<Ending> ending(String jobName, List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getMetadata() != null && p.getMetadata().getLabels() != null)
        .filter(
            p ->
                jobName.equals(p.getMetadata().getLabels().get("batch.kubernetes.io/job-name"))
                    || jobName.equals(p.getMetadata().getLabels().get("job-name")))
        .sorted(
            Comparator.comparing(
                    (Pod p) ->
                        Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), ""))
                .reversed())
        .map(GateReportReader::terminated)
        .flatMap(Optional::stream)
        .findFirst();
  }

  private static Optional<Ending> terminated(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
      if (!EvaluationJobBuilder.CONTAINER.equals(status.getName()) || status.getState() == null) {
        continue;
      }
      ContainerStateTerminated terminated = status.getState().getTerminated();
      if (terminated != null) {
        return Optional.of(
            new Ending(
                Optional.ofNullable(terminated.getExitCode()).orElse(-1),
                Optional.ofNullable(terminated.getMessage()).orElse("").strip()));
      }
    }
    return Optional.empty();
  }
}
