package dev.lathe.engine.tinybase;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.tokenizer.ChatTemplate;
import dev.lathe.engine.tokenizer.TextTokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyBaseModelTest {

  private static final TinyBaseModel.Recipe SMALL =
      new TinyBaseModel.Recipe(300, 32, 64, 1, 2, 1, 32, 8, 20, 5e-3, 7);
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @Test
  void buildIsAHuggingFaceModelDirectoryThatLearnedFromTheCorpus(@TempDir Path dir)
      throws Exception {
    TinyBaseModel.BuildReport report = TinyBaseModel.build(dir, SMALL, QUIET);

    assertThat(report.finalLoss()).isLessThan(report.initialLoss() - 1.0);
    for (String file :
        new String[] {
          "config.json",
          "model.safetensors",
          "tokenizer.json",
          "tokenizer_config.json",
          "generation_config.json",
          "lathe-base.json"
        }) {
      assertThat(dir.resolve(file)).exists();
    }
    ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(dir), manager);
        TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
      assertThat(weights.config().vocabSize()).isEqualTo(300);
      assertThat(
              ChatTemplate.load(dir)
                  .orElseThrow()
                  .render(List.of(new ChatTemplate.Message("user", "Hi")), true))
          .isEqualTo("User: Hi\nAssistant:");
      assertThat(tokenizer.decode(tokenizer.encode("The weather in Paris is sunny.")))
          .isEqualTo("The weather in Paris is sunny.");
    }
  }

  @Test
  void sameRecipeBuildsTheSameModelBitForBit(@TempDir Path dir) throws Exception {
    TinyBaseModel.build(dir.resolve("a"), SMALL, QUIET);
    TinyBaseModel.build(dir.resolve("b"), SMALL, QUIET);

    assertThat(Files.readAllBytes(dir.resolve("a/model.safetensors")))
        .isEqualTo(Files.readAllBytes(dir.resolve("b/model.safetensors")));
    assertThat(Files.readString(dir.resolve("a/tokenizer.json")))
        .isEqualTo(Files.readString(dir.resolve("b/tokenizer.json")));
  }

  @Test
  void cachedBuildIsReusedAndKeyedByTheRecipe(@TempDir Path cache) {
    Path first = TinyBaseModel.ensureBuilt(cache, SMALL, QUIET);
    long modified = first.resolve("model.safetensors").toFile().lastModified();

    Path again = TinyBaseModel.ensureBuilt(cache, SMALL, QUIET);

    assertThat(again).isEqualTo(first);
    assertThat(again.resolve("model.safetensors").toFile().lastModified()).isEqualTo(modified);
    assertThat(TinyBaseModel.cacheKey(SMALL))
        .isNotEqualTo(TinyBaseModel.cacheKey(TinyBaseModel.Recipe.DEFAULT));
  }
}
