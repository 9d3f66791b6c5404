package dev.lathe.engine.config;

/**
 * How rotary position frequencies are stretched for longer contexts, from config.json's
 * rope_scaling.
 *
 * @param type none, linear, dynamic or llama3
 * @param factor the context extension factor
 * @param lowFreqFactor llama3 only
 * @param highFreqFactor llama3 only
 * @param originalMaxPositionEmbeddings llama3 and dynamic: the context the model was trained with
 */
public record RopeScaling(
    String type,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositionEmbeddings) {

  public static final RopeScaling NONE = new RopeScaling("default", 1.0, 1.0, 4.0, 0);

  public boolean isNone() {
    return type.equals("default");
  }
}
