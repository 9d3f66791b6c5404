package dev.lathe.runtime.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A model of realistic shape for the serving benchmark: the 100M configuration of
 * trainer-image/bench.sh (12 layers, hidden 768, intermediate 2048, 12 heads, 4 key/value heads)
 * with random weights, and the tiny base's tokenizer, so its vocabulary is the tokenizer's 512
 * entries rather than 16,000 (76M parameters instead of 100M). Speed does not depend on the
 * weights' values; every sampled id must be one the tokenizer can decode.
 */
final class BenchModel {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TOKENIZER_FILES =
      List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json");

  private BenchModel() {}

  static ModelConfig config(int vocab) {
    return ModelConfig.llama(vocab, 768, 2048, 12, 12, 4, 2048);
  }

  /** Writes the model into {@code dir} (once: an existing complete one is reused). */
  static Path ensure(Path dir, Path tinyBase) throws IOException {
    Path done = dir.resolve(".complete");
    if (Files.exists(done)) {
      return dir;
    }
    Files.createDirectories(dir);
    ModelConfig config = config(ModelConfig.read(tinyBase.resolve("config.json")).vocabSize());
    for (String file : TOKENIZER_FILES) {
      Files.copy(tinyBase.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("config.json").toFile(), config.toJson());
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(config, 100, manager)) {
      Checkpoint.write(dir, weights.toTensors(DType.F32), Long.MAX_VALUE);
    }
    Files.writeString(done, "");
    return dir;
  }
}
