package dev.lathe.cli.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelDeploymentSpec;
import dev.lathe.api.v1alpha1.ModelDeploymentStatus;
import dev.lathe.api.v1alpha1.RolloutAnnotations;
import dev.lathe.cli.LatheCommand;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code lathe promote} and {@code lathe abort} against Fabric8's mock API server. */
@EnableKubernetesMockClient(crud = true)
class RolloutCommandsTest {

  static final String CANDIDATE = "sha256:" + "ab".repeat(32);
  static final String OTHER = "sha256:" + "cd".repeat(32);

  KubernetesClient client;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void aRolloutHoldsAtStepOne() {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(
        new ObjectMetaBuilder()
            .withName("support-bot")
            .withNamespace("ml-platform")
            .withAnnotations(Map.of("team", "support"))
            .build());
    ModelDeploymentSpec spec = new ModelDeploymentSpec();
    spec.setModelVersion("support-bot-v4");
    md.setSpec(spec);
    client.resource(md).create();
    holds(ModelDeploymentConditions.AWAITING_APPROVAL);
  }

  void holds(String progressingReason) {
    ModelDeployment md = get();
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setStableVersion("support-bot-v3");
    status.setCanaryVersion("support-bot-v4");
    status.setCanaryDigest(CANDIDATE);
    status.setCurrentStep(1);
    status.getConditions().add(new Condition("Progressing", "True", progressingReason, "holds"));
    md.setStatus(status);
    client.resource(md).updateStatus();
  }

  ModelDeployment get() {
    return client
        .resources(ModelDeployment.class)
        .inNamespace("ml-platform")
        .withName("support-bot")
        .get();
  }

  int run(String... args) {
    CommandLine commandLine = LatheCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    String command = args[0];
    CommandLine sub = commandLine.getSubcommands().get(command);
    Object target = sub.getCommand();
    if (target instanceof PromoteCommand p) {
      p.target.client = client;
    } else if (target instanceof AbortCommand a) {
      a.target.client = client;
    }
    return commandLine.execute(args);
  }

  @Test
  void promoteApprovesThePauseOfTheCurrentStepForTheCandidatesDigestWithoutTouchingTheSpec() {
    long generation = get().getMetadata().getGeneration();

    int code = run("promote", "md/support-bot", "-n", "ml-platform");

    assertThat(code).as(err.toString()).isZero();
    ModelDeployment md = get();
    assertThat(md.getMetadata().getAnnotations())
        .containsEntry(RolloutAnnotations.PROMOTE, CANDIDATE + "@1/pause")
        .containsEntry("team", "support");
    assertThat(md.getMetadata().getGeneration()).isEqualTo(generation);
    assertThat(md.getSpec().getModelVersion()).isEqualTo("support-bot-v4");
    assertThat(out.toString()).contains("approved step 1 (pause) of ModelVersion support-bot-v4");
  }

  @Test
  void promoteAfterAnInconclusiveGateApprovesTheGate() {
    holds(ModelDeploymentConditions.GATE_INCONCLUSIVE);

    run("promote", "md/support-bot", "-n", "ml-platform");

    assertThat(get().getMetadata().getAnnotations())
        .containsEntry(RolloutAnnotations.PROMOTE, CANDIDATE + "@1/gate");
  }

  @Test
  void promoteWithTheDigestOfAnotherCandidateWritesItAndWarnsThatTheOperatorWillRefuseIt() {
    int code = run("promote", "md/support-bot", "-n", "ml-platform", "--digest", OTHER);

    assertThat(code).isZero();
    assertThat(get().getMetadata().getAnnotations())
        .containsEntry(RolloutAnnotations.PROMOTE, OTHER + "@1/pause");
    assertThat(out.toString()).contains("the operator will refuse this");
  }

  @Test
  void abortNamesTheCandidatesDigestAndRemovesAPendingApproval() {
    run("promote", "md/support-bot", "-n", "ml-platform");

    int code = run("abort", "md/support-bot", "-n", "ml-platform");

    assertThat(code).as(err.toString()).isZero();
    assertThat(get().getMetadata().getAnnotations())
        .containsEntry(RolloutAnnotations.ABORT, CANDIDATE)
        .doesNotContainKey(RolloutAnnotations.PROMOTE);
    assertThat(out.toString()).contains("abort the rollout of ModelVersion support-bot-v4");
  }

  @Test
  void aDeploymentWithoutARolloutIsAUsageErrorAndNothingIsWritten() {
    ModelDeployment md = get();
    md.getStatus().setCanaryVersion(null);
    md.getStatus().setCanaryDigest(null);
    client.resource(md).updateStatus();

    int code = run("promote", "md/support-bot", "-n", "ml-platform");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("has no rollout in progress");
    assertThat(get().getMetadata().getAnnotations()).doesNotContainKey(RolloutAnnotations.PROMOTE);
  }

  @Test
  void anotherKindOrAMissingDeploymentIsRefusedWithItsName() {
    assertThat(run("abort", "mv/support-bot-v4", "-n", "ml-platform")).isEqualTo(2);
    assertThat(err.toString()).contains("only a ModelDeployment has a rollout");

    assertThat(run("abort", "md/nobody", "-n", "ml-platform")).isEqualTo(2);
    assertThat(err.toString())
        .contains("ModelDeployment nobody not found in namespace ml-platform");
  }
}
