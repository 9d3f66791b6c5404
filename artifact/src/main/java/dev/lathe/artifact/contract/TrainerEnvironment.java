package dev.lathe.artifact.contract;

/**
 * The trainer contract's environment variable names (DESIGN.md §5), written once: the operator sets
 * them on training and verification pods, the trainer image reads them. Renaming one here renames
 * it on both sides. What each carries is documented on {@code TrainerContract} in trainer-image and
 * in the README's trainer contract.
 */
public final class TrainerEnvironment {

  private TrainerEnvironment() {}

  public static final String BASE_MODEL_DIR = "LATHE_BASE_MODEL_DIR";
  public static final String DATASET = "LATHE_DATASET";
  public static final String DATASET_FORMAT = "LATHE_DATASET_FORMAT";
  public static final String EVAL_DATASET = "LATHE_EVAL_DATASET";
  public static final String EVAL_FRACTION = "LATHE_EVAL_FRACTION";
  public static final String OUTPUT_DIR = "LATHE_OUTPUT_DIR";
  public static final String CHECKPOINT_DIR = "LATHE_CHECKPOINT_DIR";
  public static final String HYPERPARAMETERS = "LATHE_HYPERPARAMETERS";
  public static final String MODEL_NAME = "LATHE_MODEL_NAME";
  public static final String TERMINATION_LOG = "LATHE_TERMINATION_LOG";
  public static final String OUTPUT_STORAGE = "LATHE_OUTPUT_STORAGE";
  public static final String INPUTS_FILE = "LATHE_INPUTS_FILE";
  public static final String PROGRESS_INTERVAL_SECONDS = "LATHE_PROGRESS_INTERVAL_SECONDS";
  public static final String FETCH_PLAN = "LATHE_FETCH_PLAN";
  public static final String VERIFY_PLAN = "LATHE_VERIFY_PLAN";
  public static final String TRUSTED_KEYS = "LATHE_TRUSTED_KEYS";
}
