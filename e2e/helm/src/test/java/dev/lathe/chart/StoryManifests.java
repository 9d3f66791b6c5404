package dev.lathe.chart;

import java.net.URI;

/**
 * The manifests of the story a team applies once the chart is installed: a signed base imported
 * from S3, a LoRA FineTuneJob on it that writes where the chart's {@code defaultStorage} says, and
 * a ModelDeployment serving the base with the fine-tuned adapter. Each is plain YAML, applied with
 * kubectl as a person or Argo CD would, so {@code kubectl diff} can check them afterwards.
 */
final class StoryManifests {

  static final String GPU_PRODUCT = "NVIDIA-H100-80GB-HBM3";
  static final String CREDENTIALS = "s3-credentials";

  private final String namespace;
  private final URI s3;

  StoryManifests(String namespace, URI s3) {
    this.namespace = namespace;
    this.s3 = s3;
  }

  /** A ModelVersion imported from {@code s3://models/<prefix>}. */
  String importedModel(String name, String prefix) {
    return """
        apiVersion: lathe.dev/v1alpha1
        kind: ModelVersion
        metadata: {name: %s, namespace: %s}
        spec:
          modelName: tiny-llama
          format: hf-safetensors
          source:
            storage: %s
        """
        .formatted(name, namespace, storage("s3://models/" + prefix));
  }

  /**
   * A four-step LoRA job on {@code base}, with no output storage of its own: it goes where the
   * chart's defaultStorage says.
   */
  String fineTuneJob(String name, String base) {
    return fineTuneJob(name, base, "");
  }

  /** As {@link #fineTuneJob(String, String)}, with more lines under {@code spec}. */
  String fineTuneJob(String name, String base, String moreSpec) {
    return fineTuneJob(name, base, null, moreSpec);
  }

  /** As {@link #fineTuneJob(String, String)}, trained by a trainer image of the team's own. */
  String fineTuneJobOnTrainer(String name, String base, String trainerImage) {
    return fineTuneJob(name, base, trainerImage, "");
  }

  private String fineTuneJob(String name, String base, String trainerImage, String moreSpec) {
    return """
        apiVersion: lathe.dev/v1alpha1
        kind: FineTuneJob
        metadata: {name: %s, namespace: %s}
        spec:
          baseModel: {modelVersion: %s}
          dataset:
            format: completion-jsonl
            storage: %s
          method: {type: lora, rank: 4, alpha: 8, targetModules: [q_proj, v_proj]}
          hyperparameters: {maxSteps: 4, batchSize: 4, learningRate: 0.003, seed: 7}
          resources: {gpusPerNode: 1, gpuProduct: %s}
          backoffLimit: 0
          trainer:
        %s    env:
            - {name: DJL_CACHE_DIR, value: '%s/.cache/lathe/djl'}
            - {name: OMP_WAIT_POLICY, value: PASSIVE}
        %s"""
        .formatted(
            name,
            namespace,
            base,
            storage("s3://datasets/copy/train.jsonl"),
            GPU_PRODUCT,
            trainerImage == null ? "" : "    image: " + trainerImage + "\n",
            System.getProperty("user.home"),
            moreSpec.indent(2));
  }

  /** One replica of {@code model}, with {@code adapter} (a LoRA ModelVersion) when not null. */
  String modelDeployment(String name, String model, String adapter) {
    return """
        apiVersion: lathe.dev/v1alpha1
        kind: ModelDeployment
        metadata: {name: %s, namespace: %s}
        spec:
          modelVersion: %s
          replicas: 1
        %s"""
        .formatted(
            name,
            namespace,
            model,
            adapter == null
                ? ""
                : "  adapters: [{name: %s, modelVersion: %s}]\n".formatted(adapter, adapter));
  }

  private String storage(String uri) {
    return "{uri: '%s', endpoint: '%s', pathStyle: true, credentialsSecret: %s}"
        .formatted(uri, s3, CREDENTIALS);
  }
}
