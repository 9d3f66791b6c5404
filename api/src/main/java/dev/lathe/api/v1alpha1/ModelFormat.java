package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The on-disk layout of a model artifact. */
public enum ModelFormat {
  /** A complete Hugging Face-layout model: config.json, tokenizer.json, *.safetensors. */
  @JsonProperty("hf-safetensors")
  HF_SAFETENSORS,
  /** A PEFT LoRA adapter: adapter_config.json, adapter_model.safetensors. */
  @JsonProperty("peft-lora")
  PEFT_LORA
}
