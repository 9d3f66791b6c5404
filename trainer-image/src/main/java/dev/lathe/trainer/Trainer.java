package dev.lathe.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.contract.ProgressReport;
import dev.lathe.artifact.contract.TrainingResult;
import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.ModelSigningStatement;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.DType;
import dev.lathe.engine.tokenizer.ChatTemplate;
import dev.lathe.engine.tokenizer.TextTokenizer;
import dev.lathe.engine.training.CausalLmTrainer;
import dev.lathe.engine.training.LearningRateSchedule;
import dev.lathe.engine.training.TrainingExample;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One training run under the trainer contract: load the base, read the data, train (resuming from
 * the newest checkpoint), report progress, and leave the model, result.json and the unsigned
 * statement in the output directory.
 */
public final class Trainer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAD_ID = 0;

  private final TrainerContract contract;
  private final PrintStream log;
  private final Clock clock;
  private final ProgressListener progressListener;

  public Trainer(TrainerContract contract, PrintStream log, Clock clock) {
    this(contract, log, clock, (file, step, totalSteps) -> {});
  }

  public Trainer(
      TrainerContract contract, PrintStream log, Clock clock, ProgressListener progressListener) {
    this.contract = contract;
    this.log = log;
    this.clock = clock;
    this.progressListener = progressListener;
  }

  /** Told after every step, once progress.json holds that step. */
  @FunctionalInterface
  public interface ProgressListener {
    void progressWritten(Path progressFile, int step, int totalSteps);
  }

  /** What a run produced. */
  public record Result(
      int steps,
      double trainLoss,
      Double evalLoss,
      long trainTokens,
      double seconds,
      String manifestDigest) {}

  public Result run() throws IOException {
    long started = System.nanoTime();
    Path base = contract.baseModel();
    for (String file : List.of("config.json", "tokenizer.json")) {
      if (!Files.isRegularFile(base.resolve(file))) {
        throw new TrainerContract.ContractException(
            "the base model at " + base + " has no " + file);
      }
    }
    ModelConfig config = ModelConfig.read(base.resolve("config.json"));
    TrainingPlan plan = TrainingPlan.from(contract.settings(), base.getFileName().toString());
    int bos = config.bosTokenId().orElse(1);
    int eos = config.eosTokenIds().isEmpty() ? 2 : config.eosTokenIds().get(0);

    List<TrainingExample> train;
    List<TrainingExample> eval = List.of();
    try (TextTokenizer tokenizer = TextTokenizer.load(base.resolve("tokenizer.json"))) {
      JsonlDataset dataset =
          new JsonlDataset(
              tokenizer,
              ChatTemplate.load(base),
              bos,
              eos,
              Math.min(plan.maxSequenceLength(), config.maxPositionEmbeddings()));
      train = new ArrayList<>(dataset.read(contract.dataset(), contract.datasetFormat()));
      if (contract.evalDataset().isPresent()) {
        eval = dataset.read(contract.evalDataset().get(), contract.datasetFormat());
      } else if (contract.evalFraction().isPresent()) {
        Collections.shuffle(train, new Random(plan.seed()));
        int held = Math.max(1, (int) Math.round(train.size() * contract.evalFraction().get()));
        eval = List.copyOf(train.subList(0, held));
        train = new ArrayList<>(train.subList(held, train.size()));
      }
    }
    int totalSteps = plan.totalSteps(train.size());
    log.printf(
        "trainer: %s, %d training and %d evaluation examples, %d steps%n",
        plan.method(), train.size(), eval.size(), totalSteps);

    CausalLmTrainer.Settings settings =
        new CausalLmTrainer.Settings(
            new LearningRateSchedule(
                plan.learningRate(), plan.warmupSteps(), totalSteps, plan.schedule()),
            plan.batchSize(),
            1.0,
            plan.weightDecay(),
            PAD_ID);
    Path lathe = contract.output().resolve(ArtifactLayout.LATHE_DIRECTORY);
    Files.createDirectories(lathe);
    CheckpointStore checkpoints = new CheckpointStore(contract.checkpoints());
    double lastLoss = Double.NaN;
    Double evalLoss = null;
    long tokens = 0;
    try (NDManager manager = NDManager.newBaseManager();
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(base), manager);
        LoraAdapter adapter =
            plan.lora() == null
                ? null
                : LoraAdapter.initialise(plan.lora(), config, plan.seed(), manager);
        CausalLmTrainer trainer =
            adapter == null
                ? CausalLmTrainer.full(weights, settings, manager)
                : CausalLmTrainer.lora(weights, adapter, settings, manager)) {
      List<NDArray> trained = adapter == null ? weights.parameters() : adapter.parameters();
      int first = checkpoints.restoreLatest(trained, trainer.optimizer()).orElse(0);
      if (first > 0) {
        log.printf("trainer: resuming after step %d from %s%n", first, contract.checkpoints());
      }
      ProgressReporter progress =
          new ProgressReporter(contract.output().resolve(ProgressReport.KEY), clock, first);
      for (int step = first + 1; step <= totalSteps; step++) {
        // Seeded by step, so dropout draws the same masks whether or not the run was resumed.
        Engine.getInstance().setRandomSeed((int) (plan.seed() * 1_000_003 + step));
        List<TrainingExample> batch = batch(train, plan, step);
        CausalLmTrainer.StepResult result = trainer.step(batch);
        lastLoss = result.loss();
        tokens += batch.stream().mapToInt(e -> e.tokens().length).sum();
        boolean checkpoint = step % plan.checkpointEverySteps() == 0 && step < totalSteps;
        if (step == totalSteps && !eval.isEmpty()) {
          evalLoss = trainer.evaluate(eval);
        }
        progress.report(
            step,
            totalSteps,
            (double) step * plan.examplesPerStep() / train.size(),
            lastLoss,
            tokens,
            evalLoss);
        if (checkpoint) {
          checkpoints.save(step, trained, trainer.optimizer());
        }
        progressListener.progressWritten(
            contract.output().resolve(ProgressReport.KEY), step, totalSteps);
      }
      writeModel(config, weights, adapter);
    }
    Manifest manifest = ModelHasher.files().hash(contract.output(), ArtifactLayout.NOT_MODEL_FILES);
    double seconds = (System.nanoTime() - started) / 1e9;
    Result result =
        new Result(totalSteps, lastLoss, evalLoss, tokens, seconds, manifest.digestString());
    Files.writeString(
        contract.output().resolve(TrainingResult.KEY),
        new TrainingResult(
                result.steps(),
                result.trainLoss(),
                Optional.ofNullable(result.evalLoss()),
                result.trainTokens(),
                result.seconds(),
                result.manifestDigest(),
                plan.method())
            .toJson());
    // Last: the statement tells the operator the artifact is complete.
    JSON.writeValue(
        lathe.resolve("statement.json").toFile(),
        ModelSigningStatement.of(contract.modelName(), manifest));
    log.printf(
        "trainer: done, %d steps, train loss %.4f%s, %s%n",
        totalSteps,
        lastLoss,
        evalLoss == null ? "" : String.format(", eval loss %.4f", evalLoss),
        manifest.digestString());
    return result;
  }

  /** The examples of optimizer step {@code step}: a fixed reshuffle per epoch, from the seed. */
  static List<TrainingExample> batch(List<TrainingExample> train, TrainingPlan plan, int step) {
    int per = plan.examplesPerStep();
    List<TrainingExample> batch = new ArrayList<>(per);
    int epoch = -1;
    List<Integer> order = null;
    for (long i = (long) (step - 1) * per; i < (long) step * per; i++) {
      int exampleEpoch = (int) (i / train.size());
      if (exampleEpoch != epoch) {
        epoch = exampleEpoch;
        order = epochOrder(train.size(), plan.seed(), epoch);
      }
      batch.add(train.get(order.get((int) (i % train.size()))));
    }
    return batch;
  }

  /** The order of the examples in an epoch: a function of seed and epoch alone, so resumable. */
  private static List<Integer> epochOrder(int size, long seed, int epoch) {
    List<Integer> order = new ArrayList<>(size);
    for (int j = 0; j < size; j++) {
      order.add(j);
    }
    Collections.shuffle(order, new Random(seed * 31 + epoch));
    return order;
  }

  private void writeModel(ModelConfig config, LlamaWeights weights, LoraAdapter adapter)
      throws IOException {
    if (adapter != null) {
      adapter.save(contract.output());
      return;
    }
    Checkpoint.write(contract.output(), weights.toTensors(DType.F32), 4_000_000_000L);
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(contract.output().resolve("config.json").toFile(), config.toJson());
    for (String file :
        List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
      Path source = contract.baseModel().resolve(file);
      if (Files.isRegularFile(source)) {
        Files.copy(source, contract.output().resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
