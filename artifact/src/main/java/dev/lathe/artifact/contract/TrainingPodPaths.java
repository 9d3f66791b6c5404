package dev.lathe.artifact.contract;

/**
 * Where things lie inside a training pod, written once for the operator (which mounts the volume
 * and names the paths in the fetch plan and the trainer's environment) and the trainer image.
 */
public final class TrainingPodPaths {

  private TrainingPodPaths() {}

  /** The pod's scratch volume, shared by the fetch step and the trainer. */
  public static final String WORK = "/work";

  /** The fetched base model, Hugging Face layout. */
  public static final String BASE_MODEL = WORK + "/base";

  /** The fetched training data. */
  public static final String TRAIN_DATASET = WORK + "/data/train.jsonl";

  /** The fetched held-out data, when the job names some. */
  public static final String EVAL_DATASET = WORK + "/data/eval.jsonl";

  /** Where the trainer writes the artifact. */
  public static final String OUTPUT = WORK + "/output";

  /** What the fetch step recorded of its inputs, uploaded as lathe/inputs.json. */
  public static final String INPUTS_FILE = WORK + "/lathe-inputs.json";
}
