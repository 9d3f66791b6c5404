package dev.lathe.engine.model;

import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.config.RopeScaling;

/**
 * Rotary position embedding frequencies, as Hugging Face computes them in float32: inverse
 * frequencies theta^(-2i/d), optionally rescaled (linear, or Llama 3's wavelength-dependent
 * scaling), and the cos/sin tables for a range of positions laid out as [freqs, freqs] so that
 * rotate_half pairs dimension i with i + d/2.
 */
public final class RotaryEmbedding {

  private final float[] inverseFrequencies;
  private final int headDim;

  public RotaryEmbedding(ModelConfig config) {
    this.headDim = config.headDim();
    this.inverseFrequencies = inverseFrequencies(config);
  }

  static float[] inverseFrequencies(ModelConfig config) {
    int dim = config.headDim();
    float base = (float) config.ropeTheta();
    float[] inv = new float[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      float exponent = (float) (2 * i) / dim;
      inv[i] = 1.0f / (float) Math.pow(base, exponent);
    }
    RopeScaling scaling = config.ropeScaling();
    switch (scaling.type()) {
      case "default" -> {}
      case "linear" -> {
        for (int i = 0; i < inv.length; i++) {
          inv[i] = inv[i] / (float) scaling.factor();
        }
      }
      case "llama3" -> llama3(inv, scaling);
      default ->
          throw new IllegalArgumentException(
              "rope_scaling type "
                  + scaling.type()
                  + " is not supported (default, linear, llama3)");
    }
    return inv;
  }

  /**
   * Llama 3.1: long wavelengths are divided by the factor, short ones kept, and those between
   * blended smoothly.
   */
  private static void llama3(float[] inv, RopeScaling scaling) {
    double factor = scaling.factor();
    double lowFreqWavelen = scaling.originalMaxPositionEmbeddings() / scaling.lowFreqFactor();
    double highFreqWavelen = scaling.originalMaxPositionEmbeddings() / scaling.highFreqFactor();
    for (int i = 0; i < inv.length; i++) {
      float wavelen = (float) (2 * Math.PI / inv[i]);
      if (wavelen > lowFreqWavelen) {
        inv[i] = (float) (inv[i] / factor);
      } else if (wavelen >= highFreqWavelen) {
        float smooth =
            (float)
                ((scaling.originalMaxPositionEmbeddings() / wavelen - scaling.lowFreqFactor())
                    / (scaling.highFreqFactor() - scaling.lowFreqFactor()));
        inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
      }
    }
  }

  /** cos and sin of shape [positions, headDim] for positions start..start+count-1, row-major. */
  public float[][] table(int start, int count) {
    float[] cos = new float[count * headDim];
    float[] sin = new float[count * headDim];
    int half = headDim / 2;
    for (int p = 0; p < count; p++) {
      float position = start + p;
      for (int i = 0; i < half; i++) {
        float angle = position * inverseFrequencies[i];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[p * headDim + i] = c;
        cos[p * headDim + i + half] = c;
        sin[p * headDim + i] = s;
        sin[p * headDim + i + half] = s;
      }
    }
    return new float[][] {cos, sin};
  }
}
