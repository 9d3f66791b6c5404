package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Numeric precision of served weights. */
public enum ServingDType {
  /** 32-bit floats. */
  @JsonProperty("float32")
  FLOAT32,
  /** IEEE half precision. */
  @JsonProperty("float16")
  FLOAT16,
  /** Brain floating point, half the size of float32 with its range. */
  @JsonProperty("bfloat16")
  BFLOAT16
}
