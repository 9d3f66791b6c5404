package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The fine-tuning technique. */
public enum FineTuneMethodType {
  /** Low-rank adapters trained beside frozen base weights. */
  @JsonProperty("lora")
  LORA,
  /** Low-rank adapters over a 4-bit quantised base. */
  @JsonProperty("qlora")
  QLORA,
  /** Every weight trained. */
  @JsonProperty("full")
  FULL
}
