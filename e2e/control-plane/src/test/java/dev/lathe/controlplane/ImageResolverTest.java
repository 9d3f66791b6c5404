package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageResolverTest {

  private final ImageResolver resolver =
      ImageResolver.parse(
          "lathe-trainer=java -cp /opt/t.jar dev.lathe.trainer.TrainerMain; lathe-runtime=java -jar /opt/r.jar");

  @Test
  void argsFollowTheMappedEntrypointAndACommandReplacesIt() {
    assertThat(
            resolver.commandLine(
                container("ghcr.io/acme/lathe-trainer:1", List.of(), List.of("fetch"))))
        .contains(List.of("java", "-cp", "/opt/t.jar", "dev.lathe.trainer.TrainerMain", "fetch"));
    assertThat(
            resolver.commandLine(
                container("lathe-runtime:2", List.of("/bin/sh", "-c"), List.of("echo hi"))))
        .contains(List.of("/bin/sh", "-c", "echo hi"));
  }

  @Test
  void anUnmappedImageDoesNotResolveAndAMalformedMappingIsRefused() {
    assertThat(resolver.commandLine(container("vllm/vllm-openai:0.6", List.of(), List.of())))
        .isEmpty();
    assertThatThrownBy(() -> ImageResolver.parse("lathe-trainer"))
        .hasMessageContaining("SUBSTRING=ENTRYPOINT");
  }

  private static Container container(String image, List<String> command, List<String> args) {
    return new ContainerBuilder()
        .withName("c")
        .withImage(image)
        .withCommand(command)
        .withArgs(args)
        .build();
  }
}
