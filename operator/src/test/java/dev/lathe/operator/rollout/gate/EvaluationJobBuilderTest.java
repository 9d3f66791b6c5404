package dev.lathe.operator.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.EvaluationGate;
import dev.lathe.api.v1alpha1.PrometheusQueries;
import dev.lathe.api.v1alpha1.PrometheusSource;
import dev.lathe.operator.rollout.GateRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EvaluationJobBuilderTest {

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static List<String> args(GateRequest request) {
    return EvaluationJobBuilder.build(request)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getArgs();
  }

  @Test
  void theJobAsksBothVersionServicesTheGatesDatasetAndScrapesTheGivenPods() {
    Job job = EvaluationJobBuilder.build(GateRequests.request());
    Container evaluate = job.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(evaluate.getName()).isEqualTo("evaluate");
    assertThat(evaluate.getImage()).isEqualTo("lathe-runtime:1");
    assertThat(evaluate.getArgs())
        .containsExactly(
            "evaluate",
            "--candidate-endpoint",
            "http://chat-chat-v2.ml.svc:8000/v1",
            "--stable-endpoint",
            "http://chat-chat-v1.ml.svc:8000/v1",
            "--model",
            "chat",
            "--dataset",
            "s3://evals/chat/qa.jsonl",
            "--max-samples",
            "200",
            "--candidate-pods",
            "10.0.0.7:8000,10.0.0.8:8000",
            "--stable-pods",
            "10.0.0.9:8000");
    assertThat(env(evaluate))
        .containsEntry("LATHE_S3_ENDPOINT", "http://minio.storage:9000")
        .containsEntry("LATHE_S3_PATH_STYLE", "true")
        .containsEntry("LATHE_S3_CREDENTIALS_DIR", "/var/run/lathe/credentials/eval-creds")
        .containsEntry("LATHE_TERMINATION_LOG", "/dev/termination-log");
    assertThat(evaluate.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
  }

  @Test
  void onlyTheDatasetsCredentialsAreMountedReadOnlyAndThePodIsRestricted() {
    PodSpec pod =
        EvaluationJobBuilder.build(GateRequests.request()).getSpec().getTemplate().getSpec();

    assertThat(pod.getVolumes())
        .extracting(v -> v.getSecret() == null ? null : v.getSecret().getSecretName())
        .containsOnly("eval-creds", null);
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .filteredOn(m -> m.getMountPath().startsWith("/var/run/lathe/credentials"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container evaluate = pod.getContainers().get(0);
    assertThat(evaluate.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(evaluate.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(evaluate.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  void theJobRunsOnceWithinTheGatesTimeoutAndIsCollectedWithTheDeployment() {
    EvaluationGate gate = GateRequests.gate();
    gate.setTimeout("1h30m");
    Job job = EvaluationJobBuilder.build(GateRequests.request(gate, 0, List.of()));

    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(5400L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(86400);
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("ModelDeployment");
              assertThat(o.getUid()).isEqualTo("uid-chat");
              assertThat(o.getController()).isTrue();
            });
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("lathe.dev/candidate-digest", GateRequests.CANDIDATE_DIGEST);
    assertThat(job.getMetadata().getLabels())
        .containsEntry("lathe.dev/gate-step", "1")
        .containsEntry("lathe.dev/model-deployment", "chat");
  }

  @Test
  void theDefaultTimeoutIsThirtyMinutesAndALiveWindowIsPassedInSeconds() {
    EvaluationGate gate = GateRequests.gate();
    gate.setLiveWindow("2m");
    Job job = EvaluationJobBuilder.build(GateRequests.request(gate, 0, List.of()));

    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSequence("--live-window-seconds", "120")
        .doesNotContain("--candidate-pods");
  }

  @Test
  void aGateWithPrometheusPassesItsAddressDelayAndBothVersionsQueriesInsteadOfThePods() {
    EvaluationGate gate = GateRequests.gate();
    PrometheusSource prometheus = new PrometheusSource();
    prometheus.setAddress("http://prometheus.monitoring.svc:9090");
    prometheus.setDelay("45s");
    PrometheusQueries queries = new PrometheusQueries();
    queries.setLiveErrorRate("errors{v=\"{{version}}\",d=\"{{digest}}\"}[{{window}}]");
    prometheus.setQueries(queries);
    gate.setPrometheus(prometheus);

    List<String> args = args(GateRequests.request(gate, 0, List.of("10.0.0.7:8000")));

    assertThat(args)
        .containsSequence("--prometheus-address", "http://prometheus.monitoring.svc:9090")
        .containsSequence("--prometheus-delay-seconds", "45")
        .containsSequence(
            "--candidate-query",
            "liveErrorRate=errors{v=\"chat-v2\",d=\""
                + GateRequests.CANDIDATE_DIGEST
                + "\"}[{{window}}]")
        .containsSequence(
            "--stable-query",
            "liveErrorRate=errors{v=\"chat-v1\",d=\""
                + GateRequests.STABLE_DIGEST
                + "\"}[{{window}}]")
        .doesNotContain("--candidate-pods", "--stable-pods");
    assertThat(args.stream().filter("--candidate-query"::equals)).hasSize(5);
    assertThat(args.stream().filter("--stable-query"::equals)).hasSize(5);
  }

  @Test
  void anAdapterRolloutAwaitsItsPodsAndAsksNoPrometheusForVersionsOnTheSamePods() {
    EvaluationGate gate = GateRequests.gate();
    PrometheusSource prometheus = new PrometheusSource();
    prometheus.setAddress("http://prometheus.monitoring.svc:9090");
    gate.setPrometheus(prometheus);
    GateRequest request = GateRequests.pinned(gate, List.of("10.0.0.7:8000"));

    List<String> args = args(request);

    assertThat(args).contains("--await-pods").doesNotContain("--prometheus-address");
  }

  @Test
  void theNameIsTheSameForTheSameRequestAndDiffersByStepDigestAndAttempt() {
    GateRequest request = GateRequests.request();

    assertThat(EvaluationJobBuilder.name(request)).isEqualTo("chat-gate-1-c0ffeec0ffee");
    assertThat(EvaluationJobBuilder.name(GateRequests.request()))
        .isEqualTo(EvaluationJobBuilder.name(request));
    assertThat(EvaluationJobBuilder.name(GateRequests.request(GateRequests.gate(), 2, List.of())))
        .isEqualTo("chat-gate-1-c0ffeec0ffee-2");
    GateRequest otherDigest =
        new GateRequest(
            request.deployment(),
            request.step(),
            request.gate(),
            request.candidateVersion(),
            "sha256:" + "ab".repeat(32),
            request.candidateService(),
            request.stableVersion(),
            request.stableDigest(),
            request.stableService(),
            request.inputs(),
            0,
            List.of(),
            List.of(),
            null,
            null);
    assertThat(EvaluationJobBuilder.name(otherDigest)).isEqualTo("chat-gate-1-abababababab");
  }

  @Test
  void aLongDeploymentNameStillGivesADnsLabel() {
    GateRequest request = GateRequests.request();
    request
        .deployment()
        .getMetadata()
        .setName("a-very-long-model-deployment-name-that-goes-on-and-on");

    String name = EvaluationJobBuilder.name(request);

    assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }
}
