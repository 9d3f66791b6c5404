package dev.lathe.operator.serving;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.operator.names.BoundedNames;
import dev.lathe.operator.training.TrainingNames;
import java.util.LinkedHashMap;
import java.util.Map;

/** The names and labels of a ModelDeployment's serving objects (see the package documentation). */
public final class ServingNames {

  public static final String DEPLOYMENT_LABEL = "lathe.dev/model-deployment";
  public static final String VERSION_LABEL = TrainingNames.MODEL_VERSION_LABEL;

  /** On version Services only, never on pods: stable or canary, a routing decision. */
  public static final String TRACK_LABEL = "lathe.dev/track";

  public static final String STABLE = "stable";
  public static final String CANARY = "canary";

  /** The track of a version on its way out (the stable one just replaced), with no traffic. */
  public static final String RETIRING = "retiring";

  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String COMPONENT = "serving";
  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String RUNTIME = "lathe-runtime";

  /** The hash of the desired object, so that drift from it is seen without a deep comparison. */
  public static final String SPEC_HASH_ANNOTATION = "lathe.dev/spec-hash";

  private ServingNames() {}

  /** The runtime Deployment of one served version. */
  public static String deployment(ModelDeployment md, String modelVersion) {
    return BoundedNames.shorten(md.getMetadata().getName() + "-" + modelVersion);
  }

  /** The endpoint Service: a DNS-1035 label, as Service names must be. */
  public static String endpointService(ModelDeployment md) {
    return dns1035(md.getMetadata().getName());
  }

  public static String versionService(ModelDeployment md, String modelVersion) {
    return dns1035(md.getMetadata().getName() + "-" + modelVersion);
  }

  /**
   * The Service of one track ({@link #STABLE} or {@link #CANARY}) that a user's HTTPRoute points at
   * under HTTPRoute traffic routing: its name never changes, its selector follows the version on
   * that track, so a GitOps tool sees only the weights move.
   */
  public static String trackService(ModelDeployment md, String track) {
    return dns1035(md.getMetadata().getName() + "-" + track);
  }

  /** The operator's default HTTPRoute to the endpoint Service (see {@link HttpRouteBuilder}). */
  public static String route(ModelDeployment md) {
    return BoundedNames.shorten(md.getMetadata().getName());
  }

  public static String adapterList(ModelDeployment md, String modelVersion) {
    return BoundedNames.shorten(md.getMetadata().getName() + "-" + modelVersion + "-adapters");
  }

  /** What every pod, Service and ConfigMap of the ModelDeployment carries. */
  public static Map<String, String> deploymentLabels(ModelDeployment md) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(DEPLOYMENT_LABEL, labelValue(md.getMetadata().getName()));
    labels.put(TrainingNames.MANAGED_BY, TrainingNames.OPERATOR);
    labels.put(NAME_LABEL, RUNTIME);
    labels.put(COMPONENT_LABEL, COMPONENT);
    return labels;
  }

  /** The labels of one served version's objects and pods (never a track: see the package). */
  public static Map<String, String> versionLabels(ModelDeployment md, String modelVersion) {
    Map<String, String> labels = deploymentLabels(md);
    labels.put(VERSION_LABEL, labelValue(modelVersion));
    return labels;
  }

  /** Selects every serving pod of the ModelDeployment. */
  public static Map<String, String> endpointSelector(ModelDeployment md) {
    return Map.of(DEPLOYMENT_LABEL, labelValue(md.getMetadata().getName()));
  }

  /** Selects the serving pods of one version. */
  public static Map<String, String> versionSelector(ModelDeployment md, String modelVersion) {
    return Map.of(
        DEPLOYMENT_LABEL,
        labelValue(md.getMetadata().getName()),
        VERSION_LABEL,
        labelValue(modelVersion));
  }

  /** The scale subresource's selector: the endpoint's, as a label-selector string. */
  public static String selectorString(ModelDeployment md) {
    return DEPLOYMENT_LABEL + "=" + labelValue(md.getMetadata().getName());
  }

  /** The value of {@link #DEPLOYMENT_LABEL} on the ModelDeployment's objects and pods. */
  public static String deploymentLabelValue(ModelDeployment md) {
    return labelValue(md.getMetadata().getName());
  }

  /** The value of {@link #VERSION_LABEL} for a ModelVersion's name. */
  public static String versionLabelValue(String modelVersion) {
    return labelValue(modelVersion);
  }

  static String labelValue(String name) {
    return BoundedNames.shorten(name);
  }

  /** Lowercase letters, digits and '-', starting with a letter, at most 63 characters. */
  static String dns1035(String name) {
    String label = name.replace('.', '-');
    if (!Character.isLetter(label.charAt(0))) {
      label = "md-" + label;
    }
    return BoundedNames.shorten(label);
  }
}
