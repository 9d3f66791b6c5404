package dev.lathe.engine.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a causal language model's chosen parameters — a LoRA adapter's on frozen base weights, or
 * every weight when pretraining: each optimizer step runs its examples in micro-batches whose
 * gradients accumulate, clips the global gradient norm, and applies AdamW at the scheduled learning
 * rate. Every array a step creates lives in a scope that ends with the step, so memory stays flat
 * however long training runs.
 */
public final class CausalLmTrainer implements AutoCloseable {

  /**
   * @param schedule the learning rate by step
   * @param microBatchSize sequences per forward pass
   * @param maxGradNorm clip the global gradient norm to this (0: no clipping)
   * @param weightDecay AdamW's decoupled weight decay
   * @param padId the token that pads short sequences in a micro-batch
   */
  public record Settings(
      LearningRateSchedule schedule,
      int microBatchSize,
      double maxGradNorm,
      double weightDecay,
      int padId) {}

  /** What one optimizer step did. */
  public record StepResult(
      int step, double loss, double learningRate, double gradientNorm, int targetTokens) {}

  private final LlamaModel model;
  private final List<NDArray> parameters;
  private final Settings settings;
  private final NDManager manager;
  private final AdamW optimizer;

  /**
   * Trains only the adapter; the base weights keep their values. They are fused ({@link
   * LlamaWeights#fuseProjections()}, the same values, not copied), so that q/k/v and gate/up, and
   * their input's gradients, are one matmul each in every step.
   */
  public static CausalLmTrainer lora(
      LlamaWeights base, LoraAdapter adapter, Settings settings, NDManager parent) {
    base.fuseProjections();
    return new CausalLmTrainer(
        new LlamaModel(base, adapter.on(base)), adapter.parameters(), settings, parent);
  }

  /** Trains every weight of the model (pretraining, or full fine-tuning). */
  public static CausalLmTrainer full(LlamaWeights weights, Settings settings, NDManager parent) {
    return new CausalLmTrainer(new LlamaModel(weights), weights.parameters(), settings, parent);
  }

  private CausalLmTrainer(
      LlamaModel model, List<NDArray> parameters, Settings settings, NDManager parent) {
    this.model = model;
    this.parameters = List.copyOf(parameters);
    this.settings = settings;
    this.manager = parent.newSubManager();
    for (NDArray parameter : this.parameters) {
      parameter.setRequiresGradient(true);
    }
    this.optimizer = new AdamW(this.parameters, manager, settings.weightDecay());
  }

  public AdamW optimizer() {
    return optimizer;
  }

  /** One optimizer step over {@code examples}; the loss is the mean over all their targets. */
  public StepResult step(List<TrainingExample> examples) {
    int targets = examples.stream().mapToInt(TrainingExample::targetCount).sum();
    if (targets == 0) {
      throw new IllegalArgumentException("no target tokens in the step's examples");
    }
    double loss = 0;
    try (NDScope scope = new NDScope();
        NDManager step = manager.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      scope.suppressNotUsedWarning();
      for (List<TrainingExample> micro : microBatches(examples)) {
        int microTargets = micro.stream().mapToInt(TrainingExample::targetCount).sum();
        NDArray logits =
            model.forward(CausalLmLoss.inputs(step, micro, settings.padId()), null, true);
        NDArray microLoss = CausalLmLoss.loss(logits, micro);
        // Weighted by target count, the accumulated gradient is that of the whole step's mean.
        collector.backward(microLoss.mul(step.create((float) microTargets / targets)));
        loss += microLoss.getFloat() * microTargets / targets;
      }
    }
    double lr = settings.schedule().at(optimizer.step() + 1);
    double norm;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      norm =
          settings.maxGradNorm() > 0 ? optimizer.clipGradients(settings.maxGradNorm()) : Double.NaN;
      optimizer.update(lr);
      for (NDArray parameter : parameters) {
        parameter.getGradient().muli(0);
      }
    }
    return new StepResult(optimizer.step(), loss, lr, norm, targets);
  }

  /** Mean loss over the examples' targets, without training. */
  public double evaluate(List<TrainingExample> examples) {
    double total = 0;
    int targets = 0;
    try (NDScope scope = new NDScope();
        NDManager eval = manager.newSubManager()) {
      scope.suppressNotUsedWarning();
      for (List<TrainingExample> micro : microBatches(examples)) {
        int microTargets = micro.stream().mapToInt(TrainingExample::targetCount).sum();
        NDArray logits =
            model.forward(CausalLmLoss.inputs(eval, micro, settings.padId()), null, false);
        total += CausalLmLoss.loss(logits, micro).getFloat() * microTargets;
        targets += microTargets;
      }
    }
    return total / targets;
  }

  private List<List<TrainingExample>> microBatches(List<TrainingExample> examples) {
    List<List<TrainingExample>> batches = new ArrayList<>();
    for (int i = 0; i < examples.size(); i += settings.microBatchSize()) {
      List<TrainingExample> micro =
          examples.subList(i, Math.min(examples.size(), i + settings.microBatchSize()));
      if (micro.stream().anyMatch(e -> e.targetCount() > 0)) {
        batches.add(micro);
      }
    }
    return batches;
  }

  @Override
  public void close() {
    for (NDArray parameter : parameters) {
      parameter.setRequiresGradient(false);
    }
    manager.close();
  }
}
