package dev.lathe.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.contract.TrainerEnvironment;
import dev.lathe.artifact.storage.StoreAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer contract (DESIGN.md §5): what a trainer container is given, through environment
 * variables the operator sets. Any trainer image that reads these and writes the outputs below can
 * train for Lathe.
 *
 * <p>Lathe's trainer image runs in three modes, chosen by its first argument ({@link TrainerMain}):
 *
 * <ul>
 *   <li>{@code fetch}, the training pod's init container ({@link FetchMode}): LATHE_FETCH_PLAN, a
 *       {@link dev.lathe.artifact.contract.FetchPlan} written by the operator. A base with {@code
 *       verify: true} is downloaded (without model.sig and lathe/) and verified against
 *       LATHE_TRUSTED_KEYS for the namespace, or deleted; a raw base is hashed. A dataset is the
 *       object {@code key}, or with an empty key every *.jsonl under the address in key order,
 *       joined by newlines. What was fetched goes to the plan's inputs file as {@link
 *       dev.lathe.artifact.contract.FetchedInputs}, digests as sha256:HEX.
 *   <li>{@code train}, the main container and the default ({@link TrainMode}): the variables below.
 *   <li>{@code verify}, a ModelVersion's verification Job ({@link VerifyMode}): LATHE_VERIFY_PLAN,
 *       a {@link dev.lathe.artifact.contract.VerifyPlan}, and LATHE_TRUSTED_KEYS; the outcome is
 *       one {@link dev.lathe.artifact.contract.VerificationReport} line in the termination log.
 * </ul>
 *
 * <p>Outputs of {@code train}, all under the output directory: the model (a PEFT adapter, or a full
 * model) at its top level, and under {@code lathe/}: {@code progress.json} while training ({@link
 * dev.lathe.artifact.contract.ProgressReport}), {@code result.json} at the end ({@link
 * dev.lathe.artifact.contract.TrainingResult}), and {@code statement.json}, the unsigned manifest
 * the operator signs. With LATHE_OUTPUT_STORAGE, progress.json is also pushed to the prefix at most
 * once per LATHE_PROGRESS_INTERVAL_SECONDS (failed pushes are logged, never fatal), and at the end
 * lathe/result.json, lathe/inputs.json, the model files and lathe/statement.json, last, are
 * uploaded there. Every failure, in every mode, exits 1 with its message on stderr and (at most
 * 4000 bytes of it) in the termination log.
 *
 * @param baseModel LATHE_BASE_MODEL_DIR: the base model, Hugging Face layout
 * @param dataset LATHE_DATASET: the training data, JSON lines
 * @param datasetFormat LATHE_DATASET_FORMAT: chat-jsonl or completion-jsonl
 * @param evalDataset LATHE_EVAL_DATASET: optional held-out data in the same format
 * @param evalFraction LATHE_EVAL_FRACTION: optional share of the training data to hold out
 * @param output LATHE_OUTPUT_DIR: where the artifact goes
 * @param checkpoints LATHE_CHECKPOINT_DIR: where checkpoints go (default: OUTPUT + "-checkpoints")
 * @param settings LATHE_HYPERPARAMETERS: JSON {"method": {...}, "hyperparameters": {...}} with the
 *     FineTuneJob's field names
 * @param modelName LATHE_MODEL_NAME: the model's name in the statement (default: model)
 * @param terminationLog LATHE_TERMINATION_LOG: where the failure message goes (default:
 *     /dev/termination-log)
 * @param outputStorage LATHE_OUTPUT_STORAGE: optional {@code StoreAddress} JSON of the attempt's
 *     immutable prefix, where progress and the finished artifact are uploaded
 * @param inputsFile LATHE_INPUTS_FILE: optional inputs file the fetch step wrote, uploaded as
 *     lathe/inputs.json
 * @param progressInterval LATHE_PROGRESS_INTERVAL_SECONDS: the least time between two pushes of
 *     progress.json to the output storage (default 10)
 */
public record TrainerContract(
    Path baseModel,
    Path dataset,
    String datasetFormat,
    Optional<Path> evalDataset,
    Optional<Double> evalFraction,
    Path output,
    Path checkpoints,
    JsonNode settings,
    String modelName,
    Path terminationLog,
    Optional<StoreAddress> outputStorage,
    Optional<Path> inputsFile,
    Duration progressInterval) {

  public static final String BASE_MODEL_DIR = TrainerEnvironment.BASE_MODEL_DIR;
  public static final String DATASET = TrainerEnvironment.DATASET;
  public static final String DATASET_FORMAT = TrainerEnvironment.DATASET_FORMAT;
  public static final String EVAL_DATASET = TrainerEnvironment.EVAL_DATASET;
  public static final String EVAL_FRACTION = TrainerEnvironment.EVAL_FRACTION;
  public static final String OUTPUT_DIR = TrainerEnvironment.OUTPUT_DIR;
  public static final String CHECKPOINT_DIR = TrainerEnvironment.CHECKPOINT_DIR;
  public static final String HYPERPARAMETERS = TrainerEnvironment.HYPERPARAMETERS;
  public static final String MODEL_NAME = TrainerEnvironment.MODEL_NAME;
  public static final String TERMINATION_LOG = TrainerEnvironment.TERMINATION_LOG;
  public static final String OUTPUT_STORAGE = TrainerEnvironment.OUTPUT_STORAGE;
  public static final String INPUTS_FILE = TrainerEnvironment.INPUTS_FILE;
  public static final String PROGRESS_INTERVAL_SECONDS =
      TrainerEnvironment.PROGRESS_INTERVAL_SECONDS;
  public static final String FETCH_PLAN = TrainerEnvironment.FETCH_PLAN;
  public static final String VERIFY_PLAN = TrainerEnvironment.VERIFY_PLAN;
  public static final String TRUSTED_KEYS = TrainerEnvironment.TRUSTED_KEYS;

  private static final ObjectMapper JSON = new ObjectMapper();

  public static TrainerContract fromEnvironment(Map<String, String> env) {
    Path output = Path.of(required(env, OUTPUT_DIR));
    String format = env.getOrDefault(DATASET_FORMAT, "completion-jsonl");
    if (!format.equals("chat-jsonl") && !format.equals("completion-jsonl")) {
      throw new ContractException(
          DATASET_FORMAT + " must be chat-jsonl or completion-jsonl, was " + format);
    }
    JsonNode settings;
    try {
      settings = JSON.readTree(env.getOrDefault(HYPERPARAMETERS, "{}"));
    } catch (IOException e) {
      throw new ContractException(HYPERPARAMETERS + " is not JSON: " + e.getMessage());
    }
    Optional<Double> fraction =
        Optional.ofNullable(env.get(EVAL_FRACTION))
            .map(
                f -> {
                  try {
                    double value = Double.parseDouble(f);
                    if (value <= 0 || value > 0.5) {
                      throw new NumberFormatException();
                    }
                    return value;
                  } catch (NumberFormatException e) {
                    throw new ContractException(
                        EVAL_FRACTION + " must be a number in (0, 0.5], was " + f);
                  }
                });
    return new TrainerContract(
        Path.of(required(env, BASE_MODEL_DIR)),
        Path.of(required(env, DATASET)),
        format,
        Optional.ofNullable(env.get(EVAL_DATASET)).map(Path::of),
        fraction,
        output,
        Path.of(env.getOrDefault(CHECKPOINT_DIR, output + "-checkpoints")),
        settings,
        env.getOrDefault(MODEL_NAME, "model"),
        Path.of(env.getOrDefault(TERMINATION_LOG, "/dev/termination-log")),
        outputStorage(env),
        Optional.ofNullable(env.get(INPUTS_FILE)).filter(f -> !f.isBlank()).map(Path::of),
        progressInterval(env));
  }

  private static Optional<StoreAddress> outputStorage(Map<String, String> env) {
    String json = env.get(OUTPUT_STORAGE);
    if (json == null || json.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(StoreAddress.fromJson(json));
    } catch (IllegalArgumentException e) {
      throw new ContractException(OUTPUT_STORAGE + ": " + e.getMessage());
    }
  }

  private static Duration progressInterval(Map<String, String> env) {
    String value = env.getOrDefault(PROGRESS_INTERVAL_SECONDS, "10");
    try {
      double seconds = Double.parseDouble(value);
      if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
        throw new NumberFormatException();
      }
      return Duration.ofNanos((long) (seconds * 1e9));
    } catch (NumberFormatException e) {
      throw new ContractException(
          PROGRESS_INTERVAL_SECONDS + " must be a number of seconds >= 0, was " + value);
    }
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new ContractException(name + " is not set");
    }
    return value;
  }

  /** The contract's environment is unusable; the message names the variable. */
  public static final class ContractException extends RuntimeException {
    public ContractException(String message) {
      super(message);
    }
  }
}
