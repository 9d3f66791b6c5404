package dev.lathe.engine.training;

/**
 * The learning rate at each optimizer step: linear warm-up from zero, then constant, linear or
 * cosine decay to zero at the last step.
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, String decay) {

  public LearningRateSchedule {
    if (!decay.equals("constant") && !decay.equals("linear") && !decay.equals("cosine")) {
      throw new IllegalArgumentException("unknown learning rate schedule " + decay);
    }
  }

  /** The rate for step {@code step}, counted from 1. */
  public double at(int step) {
    if (warmupSteps > 0 && step <= warmupSteps) {
      return peak * step / warmupSteps;
    }
    int decaySteps = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    return switch (decay) {
      case "linear" -> peak * (1 - progress);
      case "cosine" -> peak * 0.5 * (1 + Math.cos(Math.PI * progress));
      default -> peak;
    };
  }
}
