package dev.lathe.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.controlplane.ImageResolver;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalClusterTest {

  private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
  private static final SandboxLayout LAYOUT =
      new SandboxLayout(CHECKOUT, CHECKOUT.resolve("target/sandbox-state"));
  private static final String JAVA_HOME = "JAVA_HOME=" + System.getProperty("java.home");

  private static List<String> commandLine(String image, String... args) {
    Container container = new ContainerBuilder().withImage(image).withArgs(args).build();
    return ImageResolver.parse(LocalCluster.localImages(LAYOUT))
        .commandLine(container)
        .orElseThrow();
  }

  @Test
  void aRuntimePodRunsTheRuntimeImagesEntryPointWithTheImagesEnvironmentAndThePodsArgs() {
    assertThat(commandLine("ghcr.io/lathe-dev/lathe-runtime:0.1.0", "serve", "--port", "8000"))
        .containsExactly(
            "env",
            "OPT_OUT_TRACKING=true",
            "OMP_WAIT_POLICY=PASSIVE",
            JAVA_HOME,
            "LATHE_RUNTIME_JAR=" + CHECKOUT.resolve("runtime-image/target/lathe-runtime.jar"),
            CHECKOUT.resolve("runtime-image/bin/lathe-runtime").toString(),
            "serve",
            "--port",
            "8000");
  }

  @Test
  void aTrainerPodRunsTheTrainerImagesEntryPointWithTheImagesEnvironmentAndThePodsArgs() {
    assertThat(commandLine("ghcr.io/lathe-dev/lathe-trainer:0.1.0", "train"))
        .containsExactly(
            "env",
            "OPT_OUT_TRACKING=true",
            "OMP_WAIT_POLICY=PASSIVE",
            JAVA_HOME,
            "LATHE_TRAINER_JAR=" + CHECKOUT.resolve("trainer-image/target/lathe-trainer.jar"),
            CHECKOUT.resolve("trainer-image/bin/lathe-trainer").toString(),
            "train");
  }

  @Test
  void bothEntryPointsAreExecutableFilesOfTheCheckout() {
    assertThat(LAYOUT.trainerEntryPoint()).isRegularFile();
    assertThat(LAYOUT.runtimeEntryPoint()).isRegularFile();
    assertThat(Files.isExecutable(LAYOUT.trainerEntryPoint())).isTrue();
    assertThat(Files.isExecutable(LAYOUT.runtimeEntryPoint())).isTrue();
  }

  @Test
  void anImageThatIsNeitherOfLathesRunsNothing() {
    Container busybox = new ContainerBuilder().withImage("busybox:1.36").build();
    assertThat(ImageResolver.parse(LocalCluster.localImages(LAYOUT)).commandLine(busybox))
        .isEmpty();
  }
}
