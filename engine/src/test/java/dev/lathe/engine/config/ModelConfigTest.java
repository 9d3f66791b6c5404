package dev.lathe.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The config.json of Llama 3.1 8B, as published. */
  private static final String LLAMA_3_1_8B =
      """
      {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 128000,
       "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu", "hidden_size": 4096,
       "intermediate_size": 14336, "max_position_embeddings": 131072, "model_type": "llama",
       "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
       "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0,
       "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"},
       "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
       "vocab_size": 128256}
      """;

  @Test
  void llama31ConfigIsReadWithGroupedQueryAttentionAndLlama3RopeScaling() throws Exception {
    ModelConfig config = ModelConfig.fromJson(JSON.readTree(LLAMA_3_1_8B));

    assertThat(config.headDim()).isEqualTo(128);
    assertThat(config.kvGroups()).isEqualTo(4);
    assertThat(config.ropeScaling().type()).isEqualTo("llama3");
    assertThat(config.ropeScaling().originalMaxPositionEmbeddings()).isEqualTo(8192);
    assertThat(config.bosTokenId()).contains(128000);
    assertThat(config.eosTokenIds()).containsExactly(128001, 128008, 128009);
    assertThat(config.slidingWindow()).isEmpty();
    assertThat(ModelConfig.fromJson(config.toJson())).isEqualTo(config);
  }

  @Test
  void mistralConfigKeepsItsSlidingWindow() throws Exception {
    ModelConfig config =
        ModelConfig.fromJson(
            JSON.readTree(
                """
                {"model_type": "mistral", "vocab_size": 32000, "hidden_size": 4096,
                 "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
                 "num_key_value_heads": 8, "sliding_window": 4096, "rope_theta": 10000.0}
                """));

    assertThat(config.slidingWindow()).contains(4096);
    assertThat(config.toJson().path("architectures").get(0).asText())
        .isEqualTo("MistralForCausalLM");
  }

  @Test
  void inconsistentOrForeignConfigsAreRefused() {
    assertThatThrownBy(
            () ->
                ModelConfig.fromJson(
                    JSON.readTree(
                        LLAMA_3_1_8B.replace(
                            "\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5"))))
        .hasMessageContaining("multiple of num_key_value_heads");
    assertThatThrownBy(
            () ->
                ModelConfig.fromJson(JSON.readTree(LLAMA_3_1_8B.replace("\"llama\"", "\"gpt2\""))))
        .hasMessageContaining("not a Llama-family decoder");
    assertThatThrownBy(() -> ModelConfig.fromJson(JSON.readTree("{\"model_type\": \"llama\"}")))
        .hasMessageContaining("config.json lacks");
  }
}
