package dev.lathe.runtime.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.StreamedCheckpoint;
import dev.lathe.engine.tokenizer.ChatTemplate;
import dev.lathe.engine.tokenizer.TextTokenizer;
import dev.lathe.runtime.verify.LoadedWeightDigests;
import dev.lathe.runtime.verify.VerifiedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The base model a server holds in memory, loaded from a verified directory: weights, tokenizer,
 * chat template and the tokens that end a generation (config.json's and generation_config.json's
 * eos_token_id).
 */
public final class ServedBase implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final VerifiedModel verified;
  private final ModelConfig config;
  private final LlamaWeights weights;
  private final TextTokenizer tokenizer;
  private final Optional<ChatTemplate> chatTemplate;
  private final Set<Integer> endTokens;
  private final NDManager manager;

  private ServedBase(
      String name,
      VerifiedModel verified,
      ModelConfig config,
      LlamaWeights weights,
      TextTokenizer tokenizer,
      Optional<ChatTemplate> chatTemplate,
      Set<Integer> endTokens,
      NDManager manager) {
    this.name = name;
    this.verified = verified;
    this.config = config;
    this.weights = weights;
    this.tokenizer = tokenizer;
    this.chatTemplate = chatTemplate;
    this.endTokens = endTokens;
    this.manager = manager;
  }

  /** Loads a model that {@link dev.lathe.runtime.verify.LocalModelVerifier} verified. */
  public static ServedBase load(String name, VerifiedModel verified) {
    Path dir = verified.directory();
    ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
    NDManager manager = NDManager.newBaseManager();
    try {
      LlamaWeights weights = loadWeights(config, verified, manager);
      // A served base is never trained: its q/k/v and gate/up weights can be one matmul each.
      weights.fuseProjections();
      TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("tokenizer.json"));
      Set<Integer> endTokens = new LinkedHashSet<>(config.eosTokenIds());
      endTokens.addAll(generationConfigEos(dir));
      return new ServedBase(
          name,
          verified,
          config,
          weights,
          tokenizer,
          ChatTemplate.load(dir),
          Set.copyOf(endTokens),
          manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Weights whose digests the verifier left to the load are read once, hashed as they arrive and
   * copied from the bytes that were hashed; the others were hashed in place and are mapped.
   */
  private static LlamaWeights loadWeights(
      ModelConfig config, VerifiedModel verified, NDManager manager) {
    if (verified.weightsToHash().isEmpty()) {
      return LlamaWeights.load(config, Checkpoint.open(verified.directory()), manager);
    }
    LoadedWeightDigests digests = new LoadedWeightDigests(verified);
    LlamaWeights weights =
        LlamaWeights.load(config, new StreamedCheckpoint(verified.directory(), digests), manager);
    try {
      digests.requireEveryFileChecked();
    } catch (RuntimeException e) {
      weights.close();
      throw e;
    }
    return weights;
  }

  private static Set<Integer> generationConfigEos(Path dir) {
    Path file = dir.resolve("generation_config.json");
    Set<Integer> ids = new LinkedHashSet<>();
    if (!Files.isRegularFile(file)) {
      return ids;
    }
    try {
      JsonNode eos = JSON.readTree(file.toFile()).path("eos_token_id");
      if (eos.isInt()) {
        ids.add(eos.asInt());
      } else if (eos.isArray()) {
        eos.forEach(id -> ids.add(id.asInt()));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return ids;
  }

  public String name() {
    return name;
  }

  public VerifiedModel verified() {
    return verified;
  }

  public ModelConfig config() {
    return config;
  }

  public LlamaWeights weights() {
    return weights;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  public Optional<ChatTemplate> chatTemplate() {
    return chatTemplate;
  }

  public Set<Integer> endTokens() {
    return endTokens;
  }

  /** The manager adapters loaded for this base attach to. */
  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    tokenizer.close();
    weights.close();
    manager.close();
  }
}
