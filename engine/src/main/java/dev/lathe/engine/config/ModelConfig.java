package dev.lathe.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The architecture of a Llama-family decoder, read from and written to a Hugging Face config.json.
 * Mistral is Llama with an optional sliding attention window.
 */
public record ModelConfig(
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int maxPositionEmbeddings,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    Optional<Integer> slidingWindow,
    boolean tieWordEmbeddings,
    Optional<Integer> bosTokenId,
    List<Integer> eosTokenIds,
    String torchDtype) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SUPPORTED = Set.of("llama", "mistral");

  public ModelConfig {
    if (!SUPPORTED.contains(modelType)) {
      throw new IllegalArgumentException(
          "model_type " + modelType + " is not a Llama-family decoder (llama, mistral)");
    }
    require(
        vocabSize > 0 && hiddenSize > 0 && intermediateSize > 0 && numHiddenLayers > 0,
        "sizes must be positive");
    require(numAttentionHeads > 0 && numKeyValueHeads > 0, "head counts must be positive");
    require(
        numAttentionHeads % numKeyValueHeads == 0,
        "num_attention_heads must be a multiple of num_key_value_heads");
    require(headDim > 0 && headDim % 2 == 0, "head_dim must be even for rotary embeddings");
  }

  /**
   * A plain Llama architecture of the given sizes: head_dim = hidden / heads, RMS ε 1e-5, rope θ
   * 10000 without scaling, untied embeddings, BOS 1 and EOS 2, float32.
   */
  public static ModelConfig llama(
      int vocab,
      int hidden,
      int intermediate,
      int layers,
      int heads,
      int kvHeads,
      int maxPositions) {
    return new ModelConfig(
        "llama",
        vocab,
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        hidden / heads,
        maxPositions,
        1e-5,
        10000.0,
        RopeScaling.NONE,
        Optional.empty(),
        false,
        Optional.of(1),
        List.of(2),
        "float32");
  }

  public static ModelConfig read(Path configJson) {
    try {
      return fromJson(JSON.readTree(configJson.toFile()));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + configJson + ": " + e.getMessage(), e);
    }
  }

  public static ModelConfig fromJson(JsonNode json) {
    int hidden = required(json, "hidden_size");
    int heads = required(json, "num_attention_heads");
    // transformers 5 writes rope_parameters (theta and scaling together); older files have
    // rope_theta and rope_scaling at the top level. Both describe the same rotation.
    JsonNode parameters = json.path("rope_parameters");
    JsonNode scaling = parameters.isObject() ? parameters : json.path("rope_scaling");
    double theta =
        parameters.has("rope_theta")
            ? parameters.path("rope_theta").asDouble()
            : json.path("rope_theta").asDouble(10000.0);
    String ropeType =
        scaling.has("rope_type")
            ? scaling.path("rope_type").asText()
            : scaling.path("type").asText("default");
    RopeScaling rope =
        scaling.isObject() && !ropeType.equals("default")
            ? new RopeScaling(
                ropeType,
                scaling.path("factor").asDouble(1.0),
                scaling.path("low_freq_factor").asDouble(1.0),
                scaling.path("high_freq_factor").asDouble(4.0),
                scaling.path("original_max_position_embeddings").asInt(0))
            : RopeScaling.NONE;
    return new ModelConfig(
        json.path("model_type").asText("llama"),
        required(json, "vocab_size"),
        hidden,
        required(json, "intermediate_size"),
        required(json, "num_hidden_layers"),
        heads,
        json.path("num_key_value_heads").asInt(heads),
        json.hasNonNull("head_dim") ? json.path("head_dim").asInt() : hidden / heads,
        json.path("max_position_embeddings").asInt(2048),
        json.path("rms_norm_eps").asDouble(1e-6),
        theta,
        rope,
        json.hasNonNull("sliding_window")
            ? Optional.of(json.path("sliding_window").asInt())
            : Optional.empty(),
        json.path("tie_word_embeddings").asBoolean(false),
        json.hasNonNull("bos_token_id")
            ? Optional.of(json.path("bos_token_id").asInt())
            : Optional.empty(),
        eosTokenIds(json.path("eos_token_id")),
        json.path("torch_dtype").asText(json.path("dtype").asText("float32")));
  }

  /** The config.json transformers reads back into the same architecture. */
  public ObjectNode toJson() {
    ObjectNode json = JSON.createObjectNode();
    json.putArray("architectures")
        .add(modelType.equals("mistral") ? "MistralForCausalLM" : "LlamaForCausalLM");
    json.put("model_type", modelType);
    json.put("vocab_size", vocabSize);
    json.put("hidden_size", hiddenSize);
    json.put("intermediate_size", intermediateSize);
    json.put("num_hidden_layers", numHiddenLayers);
    json.put("num_attention_heads", numAttentionHeads);
    json.put("num_key_value_heads", numKeyValueHeads);
    json.put("head_dim", headDim);
    json.put("max_position_embeddings", maxPositionEmbeddings);
    json.put("rms_norm_eps", rmsNormEps);
    json.put("rope_theta", ropeTheta);
    if (ropeScaling.isNone()) {
      json.putNull("rope_scaling");
    } else {
      ObjectNode scaling = json.putObject("rope_scaling");
      scaling.put("rope_type", ropeScaling.type());
      scaling.put("factor", ropeScaling.factor());
      if (ropeScaling.type().equals("llama3")) {
        scaling.put("low_freq_factor", ropeScaling.lowFreqFactor());
        scaling.put("high_freq_factor", ropeScaling.highFreqFactor());
      }
      if (ropeScaling.originalMaxPositionEmbeddings() > 0) {
        scaling.put(
            "original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
      }
    }
    slidingWindow.ifPresentOrElse(
        w -> json.put("sliding_window", w),
        () -> {
          if (modelType.equals("mistral")) {
            json.putNull("sliding_window");
          }
        });
    json.put("tie_word_embeddings", tieWordEmbeddings);
    bosTokenId.ifPresent(id -> json.put("bos_token_id", id));
    if (eosTokenIds.size() == 1) {
      json.put("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      eosTokenIds.forEach(json.putArray("eos_token_id")::add);
    }
    json.put("hidden_act", "silu");
    json.put("attention_bias", false);
    json.put("mlp_bias", false);
    json.put("torch_dtype", torchDtype);
    return json;
  }

  /** eos_token_id is one id or, since Llama 3, a list of ids that all end generation. */
  private static List<Integer> eosTokenIds(JsonNode node) {
    if (node.isInt()) {
      return List.of(node.asInt());
    }
    List<Integer> ids = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(id -> ids.add(id.asInt()));
    }
    return List.copyOf(ids);
  }

  public int kvGroups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  private static int required(JsonNode json, String field) {
    if (!json.path(field).canConvertToInt()) {
      throw new IllegalArgumentException("config.json lacks " + field);
    }
    return json.path(field).asInt();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("invalid model config: " + message);
    }
  }
}
