package dev.lathe.operator.modeldeployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** Which container exits count as a pod's refusal now, and which are history. */
class PodRefusalTest {

  static final String REFUSAL =
      "verification failed (DIGEST_MISMATCH, model.safetensors): content differs";

  static Pod pod(ContainerStatus init, ContainerStatus serve) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("chat-1")
        .withUid("uid-1")
        .endMetadata()
        .withNewStatus()
        .withInitContainerStatuses(init)
        .withContainerStatuses(serve)
        .endStatus()
        .build();
  }

  static ContainerStatusBuilder failedBefore(String name, String message) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withRestartCount(1)
        .withNewLastState()
        .withNewTerminated()
        .withExitCode(1)
        .withMessage(message)
        .endTerminated()
        .endLastState();
  }

  static ContainerStatus completedInit() {
    return new ContainerStatusBuilder()
        .withName("fetch-and-verify")
        .withReady(true)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .endTerminated()
        .endState()
        .build();
  }

  @Test
  void anInitContainerInBackoffAfterARefusalIsARefusalWithItsKindAndFile() {
    ContainerStatus init =
        failedBefore("fetch-and-verify", REFUSAL)
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .endWaiting()
            .endState()
            .build();

    assertThat(PodRefusal.of(pod(init, new ContainerStatusBuilder().withName("serve").build())))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo("DigestMismatch");
              assertThat(r.subject()).contains("model.safetensors");
            });
  }

  @Test
  void aServeContainerThatIsReadyAgainAfterAFailedStartIsNoRefusal() {
    ContainerStatus serve =
        failedBefore("serve", "java.net.BindException: Address already in use")
            .withReady(true)
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .build();

    assertThat(PodRefusal.of(pod(completedInit(), serve))).isEmpty();
  }

  @Test
  void anInitContainerThatCompletedAfterAFailedFetchIsNoRefusal() {
    ContainerStatus init =
        failedBefore("fetch-and-verify", "fetch-and-verify failed: storage unavailable")
            .withNewState()
            .withNewTerminated()
            .withExitCode(0)
            .endTerminated()
            .endState()
            .build();

    assertThat(PodRefusal.of(pod(init, new ContainerStatusBuilder().withName("serve").build())))
        .isEmpty();
  }

  @Test
  void aServeContainerRestartingAfterAFailureIsAFetchFailureUntilItIsReady() {
    ContainerStatus serve =
        failedBefore("serve", "exited: storage gone")
            .withReady(false)
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .build();

    assertThat(PodRefusal.of(pod(completedInit(), serve)))
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("FetchFailed"));
  }
}
