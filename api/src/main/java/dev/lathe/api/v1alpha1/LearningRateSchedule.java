package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The decay of the learning rate after warm-up. */
public enum LearningRateSchedule {
  /** Kept at its peak. */
  @JsonProperty("constant")
  CONSTANT,
  /** Falls linearly to zero. */
  @JsonProperty("linear")
  LINEAR,
  /** Falls along a half cosine to zero. */
  @JsonProperty("cosine")
  COSINE
}
