package dev.lathe.operator.rollout;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.operator.names.BoundedNames;
import dev.lathe.operator.serving.ServingNames;
import dev.lathe.operator.training.TrainingNames;
import dev.lathe.operator.workloads.ControllerReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The evaluation Job of one gate run, as the rollout decision creates and finds it: the gate's own
 * Job ({@link RolloutGate#job}), named for the run's attempt, owned by the ModelDeployment and
 * labelled so that the operator's caches hold it and its pods.
 *
 * <p>Attempt 0 keeps the gate's deterministic name; a run after a tolerated failure or error
 * (RolloutSpec.failureLimit, consecutiveErrorLimit) appends {@code -<attempt>}, so every run has
 * its own Job and none is run twice. Its pods carry {@link #EVALUATES_LABEL} (the ModelDeployment
 * they judge) and never the ModelDeployment's own label, so neither the endpoint Service nor the
 * scale selector counts them.
 */
public final class GateJobs {

  /** The component label value of evaluation Jobs and their pods. */
  public static final String COMPONENT = "evaluation";

  /** On evaluation Jobs and their pods: the ModelDeployment's label value, to map them back. */
  public static final String EVALUATES_LABEL = "lathe.dev/evaluates";

  /** The labels the Job controller puts on a Job's pods (both spellings, old and new). */
  private static final List<String> JOB_NAME_LABELS =
      List.of("batch.kubernetes.io/job-name", "job-name");

  private GateJobs() {}

  /** The Job of run {@code attempt} (from 0) of the gate for {@code request}. */
  public static Job forAttempt(RolloutGate gate, GateRequest request, int attempt) {
    // A copy built anew: the gate's own object is never changed.
    Job job = new JobBuilder(gate.job(request)).build();
    ModelDeployment md = request.deployment();
    String name = job.getMetadata().getName();
    if (attempt > 0) {
      name = BoundedNames.shorten(name + "-" + attempt);
    }
    job.getMetadata().setName(name);
    job.getMetadata().setNamespace(md.getMetadata().getNamespace());
    job.getMetadata().setLabels(withOwnLabels(job.getMetadata().getLabels(), md));
    if (job.getMetadata().getOwnerReferences() == null
        || job.getMetadata().getOwnerReferences().isEmpty()) {
      job.getMetadata().setOwnerReferences(List.of(ControllerReference.to(md)));
    }
    if (job.getSpec() != null && job.getSpec().getTemplate() != null) {
      if (job.getSpec().getTemplate().getMetadata() == null) {
        job.getSpec().getTemplate().setMetadata(new ObjectMeta());
      }
      ObjectMeta pod = job.getSpec().getTemplate().getMetadata();
      pod.setLabels(withOwnLabels(pod.getLabels(), md));
    }
    return job;
  }

  /** The pods of {@code job} among {@code pods}, by the label the Job controller sets. */
  public static List<Pod> podsOf(Job job, List<Pod> pods) {
    String name = job.getMetadata().getName();
    return pods.stream()
        .filter(
            p ->
                p.getMetadata().getLabels() != null
                    && JOB_NAME_LABELS.stream()
                        .anyMatch(l -> Objects.equals(name, p.getMetadata().getLabels().get(l))))
        .toList();
  }

  private static Map<String, String> withOwnLabels(Map<String, String> labels, ModelDeployment md) {
    Map<String, String> all = new LinkedHashMap<>(labels == null ? Map.of() : labels);
    all.put(EVALUATES_LABEL, ServingNames.deploymentLabelValue(md));
    all.put(TrainingNames.MANAGED_BY, TrainingNames.OPERATOR);
    all.put(ServingNames.COMPONENT_LABEL, COMPONENT);
    // A gate pod serves nothing: these labels would put it behind the endpoint or a version.
    all.remove(ServingNames.DEPLOYMENT_LABEL);
    all.remove(ServingNames.VERSION_LABEL);
    return all;
  }
}
