package dev.lathe.operator.rollout.gate;

import dev.lathe.api.v1alpha1.EvaluationGate;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.PrometheusSource;
import dev.lathe.api.v1alpha1.RuntimeSpec;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.operator.names.BoundedNames;
import dev.lathe.operator.rollout.GateRequest;
import dev.lathe.operator.rollout.RolloutDurations;
import dev.lathe.operator.serving.RuntimeDeploymentBuilder;
import dev.lathe.operator.serving.ServingNames;
import dev.lathe.operator.serving.ServingServiceBuilder;
import dev.lathe.operator.storage.PodStorage;
import dev.lathe.operator.workloads.ControllerReference;
import dev.lathe.operator.workloads.RestrictedSecurity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evaluation Job of one gate run: the runtime image's {@code evaluate} asking the candidate's
 * and the stable version's Services the same items in one window, scraping both versions' pods'
 * /metrics (or, when the gate names a Prometheus, querying it), and answering with a GateReport in
 * its termination message. Only the dataset's storage credentials are mounted, read-only; no
 * service-account token; the restricted Pod Security Standard. It runs once (backoffLimit 0): a
 * re-run is the rollout's decision (a new attempt, a new name). Pure.
 */
public final class EvaluationJobBuilder {

  public static final String CONTAINER = "evaluate";
  public static final String COMPONENT = "evaluation";
  public static final String STEP_LABEL = "lathe.dev/gate-step";
  public static final String CANDIDATE_DIGEST_ANNOTATION = "lathe.dev/candidate-digest";
  public static final String STABLE_DIGEST_ANNOTATION = "lathe.dev/stable-digest";

  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /** A common scrape interval (kube-prometheus' ServiceMonitors use 30s). */
  static final Duration DEFAULT_PROMETHEUS_DELAY = Duration.ofSeconds(30);

  /** Long enough for a person to read the pod's log after a verdict; the figures are in status. */
  static final int TTL_SECONDS = 24 * 3600;

  private EvaluationJobBuilder() {}

  /**
   * {@code <deployment>-gate-<step>-<12 hex of the candidate digest>[-<attempt>]}, shortened to a
   * DNS label with a hash of the whole when long: the same request always names the same Job.
   */
  public static String name(GateRequest request) {
    String digest = request.candidateDigest().replaceFirst("^sha256:", "");
    String name =
        request.deployment().getMetadata().getName()
            + "-gate-"
            + request.step()
            + "-"
            + digest.substring(0, Math.min(12, digest.length()))
            + (request.attempt() > 0 ? "-" + request.attempt() : "");
    return BoundedNames.shorten(name);
  }

  public static Job build(GateRequest request) {
    ModelDeployment md = request.deployment();
    EvaluationGate gate = request.gate();
    String namespace = md.getMetadata().getNamespace();
    RuntimeSpec runtime =
        Optional.ofNullable(md.getSpec().getRuntime()).orElseGet(RuntimeSpec::new);
    String image = Optional.ofNullable(runtime.getImage()).orElse(request.inputs().defaultImage());
    Duration timeout = RolloutDurations.orDefault(gate.getTimeout(), DEFAULT_TIMEOUT);
    Duration liveWindow = RolloutDurations.orDefault(gate.getLiveWindow(), Duration.ZERO);

    PodStorage storage = new PodStorage();
    StoreAddress dataset = storage.address(gate.getDataset(), false);
    List<String> args = new ArrayList<>();
    args.add(CONTAINER);
    args.addAll(List.of("--candidate-endpoint", serviceUrl(request.candidateService(), namespace)));
    args.addAll(List.of("--stable-endpoint", serviceUrl(request.stableService(), namespace)));
    args.addAll(List.of("--model", md.getMetadata().getName()));
    if (request.candidateModel() != null) {
      args.addAll(List.of("--candidate-model", request.candidateModel()));
    }
    if (request.stableModel() != null) {
      args.addAll(List.of("--stable-model", request.stableModel()));
    }
    args.addAll(List.of("--dataset", dataset.uri()));
    if (gate.getMaxSamples() != null) {
      args.addAll(List.of("--max-samples", String.valueOf(gate.getMaxSamples())));
    }
    if (request.candidateModel() != null) {
      // Both versions of an adapter answer from the same pods, whose /metrics cannot tell them
      // apart: the pods are awaited (each must serve both pinned names), not scraped.
      List<String> pods = new ArrayList<>(request.candidatePods());
      request.stablePods().stream().filter(p -> !pods.contains(p)).forEach(pods::add);
      if (!pods.isEmpty()) {
        args.addAll(List.of("--await-pods", String.join(",", pods)));
      }
    } else if (gate.getPrometheus() != null) {
      args.addAll(prometheusArgs(request, gate.getPrometheus()));
    } else {
      if (!request.candidatePods().isEmpty()) {
        args.addAll(List.of("--candidate-pods", String.join(",", request.candidatePods())));
      }
      if (!request.stablePods().isEmpty()) {
        args.addAll(List.of("--stable-pods", String.join(",", request.stablePods())));
      }
    }
    if (!liveWindow.isZero()) {
      args.addAll(List.of("--live-window-seconds", String.valueOf(liveWindow.toSeconds())));
    }

    List<EnvVar> env = new ArrayList<>(RuntimeDeploymentBuilder.storeEnvironment(dataset));
    env.add(env("LATHE_TERMINATION_LOG", RuntimeDeploymentBuilder.TERMINATION_LOG));
    env.add(env("HOME", "/tmp"));
    List<VolumeMount> mounts = new ArrayList<>(storage.mounts());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());

    Map<String, String> labels = ServingNames.deploymentLabels(md);
    labels.put(ServingNames.COMPONENT_LABEL, COMPONENT);
    labels.put(STEP_LABEL, String.valueOf(request.step()));
    labels.put(
        ServingNames.VERSION_LABEL, ServingNames.versionLabelValue(request.candidateVersion()));
    Map<String, String> annotations =
        Map.of(
            CANDIDATE_DIGEST_ANNOTATION, request.candidateDigest(),
            STABLE_DIGEST_ANNOTATION, request.stableDigest());
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(request))
        .withNamespace(namespace)
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(ControllerReference.to(md))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(timeout.toSeconds())
        .withTtlSecondsAfterFinished(TTL_SECONDS)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withEnableServiceLinks(false)
        .withAutomountServiceAccountToken(false)
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(image)
        .withArgs(args)
        .withEnv(env)
        .withVolumeMounts(mounts)
        .withSecurityContext(RestrictedSecurity.container())
        // The report is the termination message; a JVM that died before writing one leaves its
        // log's tail there instead, which the verdict quotes.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .endContainer()
        .withVolumes(storage.volumes())
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .withSecurityContext(RestrictedSecurity.pod())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The live figures from Prometheus instead of the pods' scrapes: its address, the delay, and both
   * versions' queries with every placeholder but {{window}} substituted.
   */
  private static List<String> prometheusArgs(GateRequest request, PrometheusSource prometheus) {
    ModelDeployment md = request.deployment();
    Duration delay = RolloutDurations.orDefault(prometheus.getDelay(), DEFAULT_PROMETHEUS_DELAY);
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--prometheus-address", prometheus.getAddress()));
    args.addAll(List.of("--prometheus-delay-seconds", String.valueOf(delay.toSeconds())));
    args.addAll(
        versionQueries(
            "--candidate-query",
            prometheus,
            md,
            request.candidateVersion(),
            request.candidateDigest()));
    args.addAll(
        versionQueries(
            "--stable-query", prometheus, md, request.stableVersion(), request.stableDigest()));
    return args;
  }

  /** {@code flag NAME=PROMQL} for each of one version's queries. */
  private static List<String> versionQueries(
      String flag, PrometheusSource prometheus, ModelDeployment md, String version, String digest) {
    List<String> args = new ArrayList<>();
    PrometheusQueryTemplate.forVersion(prometheus, md, version, digest)
        .forEach((name, query) -> args.addAll(List.of(flag, name + "=" + query)));
    return args;
  }

  static String serviceUrl(String service, String namespace) {
    return "http://" + service + "." + namespace + ".svc:" + ServingServiceBuilder.PORT + "/v1";
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
