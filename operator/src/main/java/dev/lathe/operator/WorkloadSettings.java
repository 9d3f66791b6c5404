package dev.lathe.operator;

import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.operator.serving.GatewayTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How the operator builds and watches workloads, signs and keeps artifacts, read from environment
 * variables (documented in docs/environment.md).
 *
 * @param trainerImage the default trainer image, also running the fetch and verify steps
 *     (LATHE_TRAINER_IMAGE); pin it by digest in production
 * @param defaultStorage where a FineTuneJob without spec.output.storage writes
 *     (LATHE_DEFAULT_STORAGE_URI, _ENDPOINT, _REGION, _PATH_STYLE, _CREDENTIALS_SECRET)
 * @param operatorNamespace where the signing key and trust policy live (LATHE_OPERATOR_NAMESPACE,
 *     else POD_NAMESPACE, else lathe-system)
 * @param signingSecret the Secret holding the signing key under {@code signing-key.pem}
 *     (LATHE_SIGNING_SECRET)
 * @param trustConfigMap the ConfigMap of trusted public keys, one PEM per key
 *     (LATHE_TRUST_CONFIGMAP)
 * @param storagePolicyConfigMap the ConfigMap saying where namespaces may use the operator's own
 *     storage credentials (LATHE_STORAGE_POLICY_CONFIGMAP); absent grants nothing
 * @param volumeRoot where the operator itself sees PersistentVolumeClaims, as ROOT/NAMESPACE/CLAIM
 *     (LATHE_VOLUME_ROOT); absent means pvc:// outputs cannot be published
 * @param checkpointSize the size of each job's checkpoint claim (LATHE_CHECKPOINT_SIZE)
 * @param checkpointStorageClass its storage class (LATHE_CHECKPOINT_STORAGE_CLASS), absent for the
 *     cluster default
 * @param progressInterval how often a running job's progress is read from storage
 *     (LATHE_PROGRESS_SECONDS)
 * @param deleteArtifactsByDefault whether deleting a ModelVersion deletes its files when it does
 *     not say (LATHE_ARTIFACT_DELETION=Delete|Retain, default Retain: auditors keep evidence)
 * @param runtimeImage the default runtime image of ModelDeployment pods (LATHE_RUNTIME_IMAGE); pin
 *     it by digest in production
 * @param gateway the Gateway each ModelDeployment's default HTTPRoute attaches to (LATHE_GATEWAY =
 *     NAMESPACE/NAME[/LISTENER]) and, optionally, the base URL clients reach it at
 *     (LATHE_GATEWAY_URL, else the Gateway's reported address); absent means no route is made and
 *     status.endpoint is the endpoint Service's in-cluster URL
 * @param watchesHttpRoutes whether the operator may watch HTTPRoutes at all (LATHE_HTTPROUTES,
 *     default true; the chart sets false when its RBAC grants no HTTPRoutes), so that a cluster
 *     serving the Gateway API to an operator without the right to list routes still starts it
 */
public record WorkloadSettings(
    String trainerImage,
    Optional<StorageLocation> defaultStorage,
    String operatorNamespace,
    String signingSecret,
    String trustConfigMap,
    String storagePolicyConfigMap,
    Optional<Path> volumeRoot,
    String checkpointSize,
    Optional<String> checkpointStorageClass,
    Duration progressInterval,
    boolean deleteArtifactsByDefault,
    String runtimeImage,
    Optional<GatewayTarget> gateway,
    boolean watchesHttpRoutes) {

  public static final String DEFAULT_TRAINER_IMAGE = "ghcr.io/lathe-dev/lathe-trainer:0.1.0";
  public static final String DEFAULT_RUNTIME_IMAGE = "ghcr.io/lathe-dev/lathe-runtime:0.1.0";
  public static final String SIGNING_KEY_FILE = "signing-key.pem";

  public static WorkloadSettings fromEnvironment(Map<String, String> env) {
    Optional<StorageLocation> storage =
        Optional.ofNullable(env.get("LATHE_DEFAULT_STORAGE_URI"))
            .filter(s -> !s.isBlank())
            .map(
                uri -> {
                  StorageLocation location = new StorageLocation();
                  location.setUri(uri.trim());
                  location.setEndpoint(env.get("LATHE_DEFAULT_STORAGE_ENDPOINT"));
                  location.setRegion(env.get("LATHE_DEFAULT_STORAGE_REGION"));
                  if (env.containsKey("LATHE_DEFAULT_STORAGE_PATH_STYLE")) {
                    location.setPathStyle(
                        Boolean.parseBoolean(env.get("LATHE_DEFAULT_STORAGE_PATH_STYLE")));
                  }
                  location.setCredentialsSecret(
                      env.get("LATHE_DEFAULT_STORAGE_CREDENTIALS_SECRET"));
                  return location;
                });
    String deletion = env.getOrDefault("LATHE_ARTIFACT_DELETION", "Retain");
    if (!deletion.equals("Retain") && !deletion.equals("Delete")) {
      throw new IllegalArgumentException(
          "LATHE_ARTIFACT_DELETION must be Retain or Delete, was: " + deletion);
    }
    return new WorkloadSettings(
        env.getOrDefault("LATHE_TRAINER_IMAGE", DEFAULT_TRAINER_IMAGE),
        storage,
        env.getOrDefault(
            "LATHE_OPERATOR_NAMESPACE", env.getOrDefault("POD_NAMESPACE", "lathe-system")),
        env.getOrDefault("LATHE_SIGNING_SECRET", "lathe-signing-key"),
        env.getOrDefault("LATHE_TRUST_CONFIGMAP", "lathe-trust-policy"),
        env.getOrDefault(
            "LATHE_STORAGE_POLICY_CONFIGMAP",
            dev.lathe.operator.storage.StoragePolicy.DEFAULT_CONFIGMAP),
        Optional.ofNullable(env.get("LATHE_VOLUME_ROOT")).filter(s -> !s.isBlank()).map(Path::of),
        env.getOrDefault("LATHE_CHECKPOINT_SIZE", "50Gi"),
        Optional.ofNullable(env.get("LATHE_CHECKPOINT_STORAGE_CLASS")).filter(s -> !s.isBlank()),
        Duration.ofSeconds(
            OperatorSettings.parsePositive(
                "LATHE_PROGRESS_SECONDS", env.getOrDefault("LATHE_PROGRESS_SECONDS", "15"))),
        deletion.equals("Delete"),
        env.getOrDefault("LATHE_RUNTIME_IMAGE", DEFAULT_RUNTIME_IMAGE),
        GatewayTarget.fromSettings(env.get("LATHE_GATEWAY"), env.get("LATHE_GATEWAY_URL")),
        Boolean.parseBoolean(env.getOrDefault("LATHE_HTTPROUTES", "true")));
  }
}
