package dev.lathe.engine.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.lora.LoraConfig;
import dev.lathe.engine.model.LlamaWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CausalLmTrainerTest {

  private static final ModelConfig MODEL = ModelConfig.llama(64, 32, 64, 2, 4, 2, 64);

  /** A task the frozen random base cannot do: answer each prompt (a, b) with (b, a). */
  private static List<TrainingExample> swapTask(int count, long seed) {
    Random random = new Random(seed);
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int a = 10 + random.nextInt(20);
      int b = 10 + random.nextInt(20);
      examples.add(TrainingExample.promptAndResponse(new int[] {1, a, b, 2}, new int[] {b, a, 3}));
    }
    return examples;
  }

  @Test
  void trainingOnlyTheAdapterDrivesTheLossDownAndLeavesTheBaseUntouched() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights base = LlamaWeights.random(MODEL, 1, 0.2, manager);
        LoraAdapter adapter =
            LoraAdapter.initialise(
                new LoraConfig(8, 16, 0, List.copyOf(LoraConfig.SUPPORTED_TARGETS), "tiny"),
                MODEL,
                2,
                manager)) {
      float[] baseBefore = base.get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
      List<TrainingExample> train = swapTask(64, 3);
      CausalLmTrainer.Settings settings =
          new CausalLmTrainer.Settings(
              new LearningRateSchedule(1e-2, 10, 150, "cosine"), 16, 1.0, 0.0, 0);
      try (CausalLmTrainer trainer = CausalLmTrainer.lora(base, adapter, settings, manager)) {
        double before = trainer.evaluate(train);
        CausalLmTrainer.StepResult last = null;
        for (int step = 0; step < 150; step++) {
          last = trainer.step(train.subList((step * 16) % 64, (step * 16) % 64 + 16));
        }
        double after = trainer.evaluate(train);

        assertThat(last.step()).isEqualTo(150);
        assertThat(Double.isFinite(last.loss())).isTrue();
        assertThat(after)
            .as("loss before %.3f, after %.3f", before, after)
            .isLessThan(before * 0.5);
      }
      assertThat(base.get("model.layers.0.self_attn.q_proj.weight").toFloatArray())
          .containsExactly(baseBefore);
    }
  }

  @Test
  void scheduleWarmsUpThenDecaysToZero() {
    LearningRateSchedule cosine = new LearningRateSchedule(1e-3, 10, 110, "cosine");

    assertThat(cosine.at(5)).isEqualTo(5e-4);
    assertThat(cosine.at(10)).isEqualTo(1e-3);
    assertThat(cosine.at(60)).isCloseTo(5e-4, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(cosine.at(110)).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void fullTrainingLearnsARepeatingSequenceAndChangesEveryWeight() {
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.random(MODEL, 4, manager)) {
      float[] before = weights.get("model.layers.1.mlp.down_proj.weight").toFloatArray();
      int[] pattern = {5, 9, 13, 17, 21, 25, 29, 33};
      List<TrainingExample> text = new ArrayList<>();
      for (int start = 0; start < 8; start++) {
        int[] tokens = new int[24];
        boolean[] targets = new boolean[24];
        for (int t = 0; t < tokens.length; t++) {
          tokens[t] = pattern[(start + t) % pattern.length];
          targets[t] = true;
        }
        text.add(new TrainingExample(tokens, targets));
      }
      CausalLmTrainer.Settings settings =
          new CausalLmTrainer.Settings(
              new LearningRateSchedule(1e-2, 5, 100, "cosine"), 8, 1.0, 0.01, 0);
      try (CausalLmTrainer trainer = CausalLmTrainer.full(weights, settings, manager)) {
        double initial = trainer.evaluate(text);
        for (int step = 0; step < 100; step++) {
          trainer.step(text);
        }
        double trained = trainer.evaluate(text);

        assertThat(trained).as("loss %.3f -> %.3f", initial, trained).isLessThan(0.5);
      }
      assertThat(weights.get("model.layers.1.mlp.down_proj.weight").toFloatArray())
          .isNotEqualTo(before);
    }
  }
}
