package dev.lathe.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path claims;

  @Test
  void theStoryGoesFromTrustToABaseToAFineTuneToServingItToItsLineageInThatOrder() {
    List<String> titles = Story.today().stream().map(StoryStep::title).toList();

    assertThat(titles).hasSize(5);
    assertThat(titles.get(0)).contains("signing key").contains("trust policy");
    assertThat(titles.get(1)).contains("ModelVersion tiny-base");
    assertThat(titles.get(2)).contains("FineTuneJob v1").contains("publishes ModelVersion v1");
    assertThat(titles.get(3))
        .contains("ModelDeployment tiny-chat serves tiny-base with adapter tiny-copy (v1)");
    assertThat(titles.get(4)).contains("lineage of ModelVersion v1");
  }

  @Test
  void theCopyTaskDatasetIsTheSameEveryRunAndEachAnswerCopiesItsPrompt() throws Exception {
    DatasetStep.copyTask("copy.jsonl", 7).write(claims.resolve("one"));
    DatasetStep.copyTask("copy.jsonl", 7).write(claims.resolve("two"));
    Path one = claims.resolve("one/datasets/copy.jsonl");

    assertThat(Files.readString(one))
        .isEqualTo(Files.readString(claims.resolve("two/datasets/copy.jsonl")));
    List<String> lines = Files.readAllLines(one);
    assertThat(lines).hasSize(64);
    // Byte for byte across JVMs too: the prompt first, whatever a map's iteration order.
    assertThat(lines).allMatch(l -> l.startsWith("{\"prompt\":\"Copy: "));
    for (String line : lines) {
      JsonNode example = JSON.readTree(line);
      String completion = example.get("completion").asText();
      assertThat(completion.split(" ")).hasSize(3);
      assertThat(example.get("prompt").asText()).isEqualTo("Copy: " + completion + "\n");
    }
  }

  @Test
  void everyStepTellsWhatToTypeToWatchIt() {
    StoryContext story =
        new StoryContext(
            null, new SandboxLayout(Path.of("/repo"), Path.of("/state")), null, () -> {});

    for (StoryStep step : Story.today()) {
      assertThat(step.watch(story)).as(step.title()).isNotEmpty();
    }
    assertThat(Story.today().get(3).watch(story))
        .contains("kubectl lathe status md/tiny-chat -n demo --watch");
    assertThat(Story.today().get(4).watch(story).get(0))
        .startsWith("cli/bin/lathe lineage mv/v1 --namespace demo --kubeconfig /state/kubeconfig");
  }
}
