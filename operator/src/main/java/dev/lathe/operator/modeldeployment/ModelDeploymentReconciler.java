package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.AdapterReference;
import dev.lathe.api.v1alpha1.AdapterServingStatus;
import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelDeploymentConditions;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.metrics.ModelDeploymentMetrics;
import dev.lathe.operator.references.ModelVersionReferences;
import dev.lathe.operator.rollout.GateJobs;
import dev.lathe.operator.serving.GatewayTarget;
import dev.lathe.operator.serving.ServingNames;
import dev.lathe.operator.status.PlannedEvent;
import dev.lathe.operator.status.StatusReport;
import dev.lathe.operator.training.TrainingNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reconciles ModelDeployments in the shape of every kind: observe a {@link ServingSnapshot} from
 * the informer caches, decide purely ({@link ServingDecision}), act through {@link ServingActions}
 * ({@link ServingLoop}), report the status and then its Events through {@link StatusReport}.
 * Acceptance comes first: a spec that is not accepted serves nothing new.
 */
@ControllerConfiguration(
    name = ModelDeploymentReconciler.NAME,
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SpecOrRolloutWordChanged.class))
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {

  public static final String NAME = "modeldeployment";

  /** Only the serving objects this operator made are cached, not every Pod and ConfigMap. */
  static final String SERVING_OBJECTS = made("=" + ServingNames.COMPONENT);

  /**
   * Serving pods and the pods of rollout evaluation Jobs (mapped back through the ModelDeployment's
   * label, or for evaluation pods {@link GateJobs#EVALUATES_LABEL}).
   */
  static final String SERVING_AND_EVALUATION_PODS =
      made(" in (" + ServingNames.COMPONENT + "," + GateJobs.COMPONENT + ")");

  /** Rollout evaluation Jobs, owned by their ModelDeployment. */
  static final String EVALUATION_JOBS = made("=" + GateJobs.COMPONENT);

  private static final String DEPLOYMENT_LABEL_INDEX = "lathe-deployment-label";

  private static final String NAMED_ROUTE_INDEX = "lathe-named-routes";

  /** The informer of the HTTPRoutes this operator made (the default route to the endpoint). */
  static final String SERVING_ROUTES = "serving-routes";

  /** The informer of the HTTPRoutes spec.rollout.trafficRouting names, which users own. */
  static final String NAMED_ROUTES = "named-routes";

  private final ServingObserver observer;
  private final ServingLoop loop;
  private final StatusReport report;
  private final ModelDeploymentMetrics metrics;
  private final Clock clock;
  private final Routing routing;

  /**
   * @param routing which route informers to register: none without a Gateway (or without the
   *     Gateway API), so the operator starts on any cluster
   */
  public ModelDeploymentReconciler(
      ServingObserver observer,
      ServingLoop loop,
      StatusReport report,
      ModelDeploymentMetrics metrics,
      Clock clock,
      Routing routing) {
    this.routing = routing;
    this.observer = observer;
    this.loop = loop;
    this.report = report;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public UpdateControl<ModelDeployment> reconcile(
      ModelDeployment cached, Context<ModelDeployment> context) {
    ServingSnapshot seen = observer.observe(cached, context);
    ServingPlan plan = loop.run(seen, clock.instant());
    for (PodRefusal refusal : plan.refusals()) {
      metrics.refused(
          refusal.podUid() + "/" + refusal.container() + "/" + refusal.restarts(),
          refusal.reason());
    }
    metrics
        .rollouts()
        .weighs(
            seen.deployment().getMetadata().getNamespace(),
            seen.deployment().getMetadata().getName());
    for (ServingPlan.GateEnded gate : plan.gatesEnded()) {
      metrics
          .rollouts()
          .gateEnded(
              seen.deployment().getMetadata().getUid() + "/" + gate.job(),
              gate.verdict(),
              gate.duration());
    }
    plan.rolloutEnded()
        .ifPresent(outcome -> metrics.rollouts().ended(rolloutKey(seen, plan, outcome), outcome));
    // Status first, by forced server-side apply, then the Events it tells (StatusReport).
    report.report(
        seen.deployment(),
        plan.status(),
        plan.conditions().events().stream()
            .map(e -> new PlannedEvent(e.type(), e.reason(), e.message()))
            .toList());
    UpdateControl<ModelDeployment> control = UpdateControl.noUpdate();
    plan.next().ifPresent(control::rescheduleAfter);
    return control;
  }

  /** Objects this operator made, of the components {@code components} selects. */
  private static String made(String components) {
    return TrainingNames.MANAGED_BY
        + "="
        + TrainingNames.OPERATOR
        + ","
        + ServingNames.COMPONENT_LABEL
        + components;
  }

  /** One rollout's end: the deployment, the candidate, and when it ended (from the status). */
  private static String rolloutKey(ServingSnapshot seen, ServingPlan plan, String outcome) {
    var status = plan.status();
    String when =
        ModelDeploymentConditions.PROMOTED.equals(outcome)
            ? status.getHistory().get(status.getHistory().size() - 1).getPromotedAt()
            : status.getAbort().getTime();
    return seen.deployment().getMetadata().getUid()
        + "/"
        + seen.deployment().getSpec().getModelVersion()
        + "/"
        + when;
  }

  /**
   * The ModelVersions a deployment names (served or adapters), and the serving objects it owns: a
   * change of any wakes it. Pods and EndpointSlices map back through their ModelDeployment label.
   */
  @Override
  public List<EventSource<?, ModelDeployment>> prepareEventSources(
      EventSourceContext<ModelDeployment> context) {
    metrics.countFrom(() -> context.getPrimaryCache().list().collect(Collectors.toList()));
    var referencing =
        ModelVersionReferences.indexPrimaries(
            context, ModelDeploymentReconciler::referencedModelVersions);
    context
        .getPrimaryCache()
        .addIndexer(
            DEPLOYMENT_LABEL_INDEX,
            md ->
                List.of(
                    md.getMetadata().getNamespace() + "/" + ServingNames.deploymentLabelValue(md)));
    SecondaryToPrimaryMapper<Pod> podToDeployment = byDeploymentLabel(context);
    List<EventSource<?, ModelDeployment>> sources = new ArrayList<>();
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelVersion.class, ModelDeployment.class)
                .withSecondaryToPrimaryMapper(referencing)
                // Read by name: a ModelVersion verified before the deployment was created sends
                // no event that could tie it to the deployment.
                .withPrimaryToSecondaryMapper(
                    ModelVersionReferences.referencedBy(
                        ModelDeploymentReconciler::referencedModelVersions))
                .build(),
            context));
    sources.add(owned(Deployment.class, context));
    sources.add(owned(Service.class, context));
    sources.add(owned(ConfigMap.class, context));
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, ModelDeployment.class)
                .withLabelSelector(EVALUATION_JOBS)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelDeployment.class))
                .build(),
            context));
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, ModelDeployment.class)
                .withLabelSelector(SERVING_AND_EVALUATION_PODS)
                .withSecondaryToPrimaryMapper(podToDeployment)
                .build(),
            context));
    if (routing.watchesRoutes()) {
      sources.add(
          new InformerEventSource<>(
              InformerEventSourceConfiguration.from(HTTPRoute.class, ModelDeployment.class)
                  .withName(SERVING_ROUTES)
                  .withLabelSelector(SERVING_OBJECTS)
                  .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelDeployment.class))
                  .build(),
              context));
    }
    if (routing.watchesNamedRoutes()) {
      sources.add(namedRoutes(context));
      sources.add(
          new InformerEventSource<>(
              InformerEventSourceConfiguration.from(EndpointSlice.class, ModelDeployment.class)
                  // The endpointslice controller copies a Service's labels onto its slices.
                  .withLabelSelector(SERVING_OBJECTS)
                  .withSecondaryToPrimaryMapper(byDeploymentLabel(context))
                  .build(),
              context));
    }
    if (routing.watchesGateway()) {
      sources.add(gateway(routing.target().orElseThrow(), context));
    }
    return sources;
  }

  /**
   * Maps an object to the ModelDeployments its deployment label (or, for an evaluation pod, its
   * {@link GateJobs#EVALUATES_LABEL}) names in its namespace: pods are owned by ReplicaSets and
   * EndpointSlices by Services, not by the ModelDeployment.
   */
  private static <R extends HasMetadata> SecondaryToPrimaryMapper<R> byDeploymentLabel(
      EventSourceContext<ModelDeployment> context) {
    return object -> {
      var labels = object.getMetadata().getLabels();
      String label =
          labels == null
              ? null
              : labels.getOrDefault(
                  ServingNames.DEPLOYMENT_LABEL, labels.get(GateJobs.EVALUATES_LABEL));
      if (label == null) {
        return Set.of();
      }
      return context
          .getPrimaryCache()
          .byIndex(DEPLOYMENT_LABEL_INDEX, object.getMetadata().getNamespace() + "/" + label)
          .stream()
          .map(ResourceID::fromResource)
          .collect(Collectors.toSet());
    };
  }

  /**
   * The HTTPRoutes rollouts set weights on: a user's (or Argo CD's) objects, with no label of ours,
   * so every route in the watched namespaces is cached and mapped to the deployments whose spec
   * names it; read by name, so a route created before the spec named it is found too.
   */
  private static InformerEventSource<HTTPRoute, ModelDeployment> namedRoutes(
      EventSourceContext<ModelDeployment> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            NAMED_ROUTE_INDEX,
            md ->
                RouteDecision.namedRoute(md).stream()
                    .map(name -> md.getMetadata().getNamespace() + "/" + name)
                    .toList());
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(HTTPRoute.class, ModelDeployment.class)
            .withName(NAMED_ROUTES)
            .withSecondaryToPrimaryMapper(
                route ->
                    context
                        .getPrimaryCache()
                        .byIndex(
                            NAMED_ROUTE_INDEX,
                            route.getMetadata().getNamespace()
                                + "/"
                                + route.getMetadata().getName())
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                primary ->
                    RouteDecision.namedRoute((ModelDeployment) primary).stream()
                        .map(name -> new ResourceID(name, primary.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
            .build(),
        context);
  }

  /**
   * The one Gateway every default route attaches to: its reported address is part of every
   * endpoint, so a change of it wakes every ModelDeployment.
   */
  private static InformerEventSource<Gateway, ModelDeployment> gateway(
      GatewayTarget target, EventSourceContext<ModelDeployment> context) {
    ResourceID id = new ResourceID(target.name(), target.namespace());
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Gateway.class, ModelDeployment.class)
            .withNamespaces(Set.of(target.namespace()))
            .withFollowControllerNamespacesChanges(false)
            .withFieldSelector(
                new FieldSelector(new FieldSelector.Field("metadata.name", target.name())))
            .withSecondaryToPrimaryMapper(
                gateway ->
                    context
                        .getPrimaryCache()
                        .list()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(primary -> Set.of(id))
            .build(),
        context);
  }

  /** spec.modelVersion and every adapter's ModelVersion. */
  static Stream<String> referencedModelVersions(ModelDeployment deployment) {
    return Stream.concat(
        // The stable version too: a rollout serves it while the spec names the next.
        Stream.of(
                deployment.getSpec().getModelVersion(),
                deployment.getStatus() == null ? null : deployment.getStatus().getStableVersion())
            .filter(Objects::nonNull),
        Stream.concat(
            deployment.getSpec().getAdapters() == null
                ? Stream.empty()
                : deployment.getSpec().getAdapters().stream()
                    .map(AdapterReference::getModelVersion),
            // An adapter's stable version, which answers its name while the next rolls out.
            deployment.getStatus() == null || deployment.getStatus().getAdapters() == null
                ? Stream.empty()
                : deployment.getStatus().getAdapters().stream()
                    .map(AdapterServingStatus::getModelVersion)
                    .filter(Objects::nonNull)));
  }

  private static <R extends HasMetadata> InformerEventSource<R, ModelDeployment> owned(
      Class<R> type, EventSourceContext<ModelDeployment> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, ModelDeployment.class)
            .withLabelSelector(SERVING_OBJECTS)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelDeployment.class))
            .build(),
        context);
  }
}
