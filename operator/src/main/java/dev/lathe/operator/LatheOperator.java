package dev.lathe.operator;

import dev.lathe.operator.finetunejob.ClusterTrainingActions;
import dev.lathe.operator.finetunejob.FineTuneJobAcceptance;
import dev.lathe.operator.finetunejob.FineTuneJobObserver;
import dev.lathe.operator.finetunejob.FineTuneJobReconciler;
import dev.lathe.operator.finetunejob.TrainingDecision;
import dev.lathe.operator.finetunejob.TrainingLoop;
import dev.lathe.operator.metrics.FineTuneJobMetrics;
import dev.lathe.operator.metrics.ModelDeploymentMetrics;
import dev.lathe.operator.modeldeployment.ClusterServingActions;
import dev.lathe.operator.modeldeployment.ModelDeploymentAcceptance;
import dev.lathe.operator.modeldeployment.ModelDeploymentReconciler;
import dev.lathe.operator.modeldeployment.Routing;
import dev.lathe.operator.modeldeployment.ServingDecision;
import dev.lathe.operator.modeldeployment.ServingLoop;
import dev.lathe.operator.modeldeployment.ServingObserver;
import dev.lathe.operator.modelversion.ArtifactDeletion;
import dev.lathe.operator.modelversion.ClusterVerificationActions;
import dev.lathe.operator.modelversion.ModelVersionAcceptance;
import dev.lathe.operator.modelversion.ModelVersionObserver;
import dev.lathe.operator.modelversion.ModelVersionReconciler;
import dev.lathe.operator.modelversion.SignatureReader;
import dev.lathe.operator.modelversion.VerificationDecision;
import dev.lathe.operator.publishing.ModelPublisher;
import dev.lathe.operator.references.ClusterReferenceLookup;
import dev.lathe.operator.references.OperatorConfigMaps;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.rollout.gate.PairedEvaluationGate;
import dev.lathe.operator.signing.InformedKeySources;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.status.EventRecorder;
import dev.lathe.operator.status.OwnWrites;
import dev.lathe.operator.status.StatusReport;
import dev.lathe.operator.storage.OperatorStorage;
import dev.lathe.operator.training.ProgressReader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JOSDK operator with Lathe's three reconcilers registered. */
public final class LatheOperator {

  private static final Logger LOG = LoggerFactory.getLogger(LatheOperator.class);
  private static final Duration KEY_INFORMERS_TIMEOUT = Duration.ofSeconds(60);

  private final Operator operator;
  private final OperatorConfigMaps operatorConfigMaps;
  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final String identity;
  private final AtomicBoolean stopping;
  private final InformedKeySources keySources;

  private LatheOperator(
      Operator operator,
      OperatorConfigMaps operatorConfigMaps,
      KubernetesClient client,
      OperatorSettings settings,
      String identity,
      AtomicBoolean stopping,
      InformedKeySources keySources) {
    this.keySources = keySources;
    this.stopping = stopping;
    this.operator = operator;
    this.operatorConfigMaps = operatorConfigMaps;
    this.client = client;
    this.settings = settings;
    this.identity = identity;
  }

  /**
   * Assembles the operator.
   *
   * @param overrides last word on JOSDK's configuration; tests use it to turn server-side apply off
   *     for the Fabric8 mock server, which does not implement it
   */
  public static LatheOperator create(
      KubernetesClient client,
      OperatorSettings settings,
      MeterRegistry meters,
      Clock clock,
      Consumer<ConfigurationServiceOverrider> overrides) {
    String identity =
        Optional.ofNullable(System.getenv("HOSTNAME")).orElse("lathe-operator")
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    AtomicBoolean stopping = new AtomicBoolean();
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(meters))
                  .withCloseClientOnStop(false);
              if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(leaderElection(settings, identity, stopping));
              }
              overrides.accept(o);
            });
    WorkloadSettings workloads = settings.workloads();
    OperatorConfigMaps operatorConfigMaps =
        new OperatorConfigMaps(
            client,
            workloads.operatorNamespace(),
            List.of(workloads.storagePolicyConfigMap(), workloads.trustConfigMap()));
    ReferenceLookup lookup =
        new ClusterReferenceLookup(client, operatorConfigMaps, workloads.storagePolicyConfigMap());
    EventRecorder events = new EventRecorder(client, clock);
    StatusReport report =
        new StatusReport(
            client,
            events,
            new OwnWrites(),
            operator.getConfigurationService().useSSAToPatchPrimaryResource());
    OperatorStorage storage =
        new OperatorStorage(client, workloads.volumeRoot(), lookup::storagePolicy);
    // The signing key from an informer, the trust policy from the policy ConfigMaps' informers:
    // every pod built gets the trusted keys without a GET.
    InformedKeySources keySources =
        InformedKeySources.of(
            client, workloads, () -> operatorConfigMaps.get(workloads.trustConfigMap()));
    OperatorKeys keys = new OperatorKeys(keySources, workloads);
    FineTuneJobMetrics metrics = new FineTuneJobMetrics(meters);
    Consumer<ControllerConfigurationOverrider<?>> namespaces =
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        };
    ProgressReader progress = new ProgressReader(storage, workloads.progressInterval(), clock);
    TrainingDecision training = new TrainingDecision(workloads, settings.recheckInterval());
    FineTuneJobAcceptance.Capabilities capabilities =
        new FineTuneJobAcceptance.Capabilities(
            workloads.defaultStorage().isPresent(), storage.readsClaims());
    operator.register(
        new FineTuneJobReconciler(
            new FineTuneJobObserver(
                new FineTuneJobAcceptance(lookup, capabilities),
                progress,
                report.writes(),
                training),
            new TrainingLoop(
                training,
                new ClusterTrainingActions(
                    client, workloads, keys, new ModelPublisher(client, storage, keys), progress)),
            report,
            metrics,
            clock),
        namespaces::accept);
    operator.register(
        new ModelVersionReconciler(
            new ModelVersionObserver(
                new ModelVersionAcceptance(lookup),
                new SignatureReader(storage, keys),
                report.writes()),
            new VerificationDecision(settings.recheckInterval()),
            new ClusterVerificationActions(client, workloads, keys),
            report,
            new ArtifactDeletion(storage, keys, workloads.deleteArtifactsByDefault()),
            events,
            clock,
            settings.recheckInterval()),
        namespaces::accept);
    Routing routing =
        new Routing(
            workloads.gateway(),
            workloads.watchesHttpRoutes()
                && servesHttpRoutes(client, workloads.gateway().isPresent()));
    operator.register(
        new ModelDeploymentReconciler(
            new ServingObserver(
                new ModelDeploymentAcceptance(lookup),
                keys::trustedKeysPem,
                workloads.runtimeImage(),
                routing,
                report.writes()),
            new ServingLoop(
                new ServingDecision(
                    settings.recheckInterval(), Optional.of(new PairedEvaluationGate())),
                new ClusterServingActions(
                    client,
                    () -> operator.getConfigurationService().useSSAToPatchPrimaryResource())),
            report,
            new ModelDeploymentMetrics(meters),
            clock,
            routing),
        namespaces::accept);
    return new LatheOperator(
        operator, operatorConfigMaps, client, settings, identity, stopping, keySources);
  }

  /**
   * Whether discovery lists gateway.networking.k8s.io/v1 HTTPRoute; asked once, at start, so that a
   * cluster without the Gateway API CRDs gets no informer that could never sync.
   */
  /**
   * @param gatewaySet whether LATHE_GATEWAY is set, which makes a missing Gateway API worth a
   *     warning (rollouts with HTTPRoute routing say it in their own status)
   */
  private static boolean servesHttpRoutes(KubernetesClient client, boolean gatewaySet) {
    try {
      boolean served = client.supports(HTTPRoute.class);
      if (!served && gatewaySet) {
        LOG.warn(
            "LATHE_GATEWAY is set, but the cluster serves no gateway.networking.k8s.io/v1"
                + " HTTPRoute: no routes are made (ModelDeployments say Routed=False"
                + " GatewayApiMissing)");
      }
      return served;
    } catch (RuntimeException e) {
      LOG.warn("cannot tell whether the cluster serves the Gateway API: {}", e.toString());
      return false;
    }
  }

  /**
   * Leader election that does not exit the JVM when leadership stops. JOSDK's default stops leading
   * with System.exit, which, called from the shutdown hook that stops the operator on SIGTERM,
   * blocks forever: the pod waits out its grace period and the Lease is never released. Here
   * stopping releases the Lease and returns; a leader that loses its Lease while running exits
   * through {@link #onLostLeadership}, outside any shutdown hook.
   */
  static LeaderElectionConfiguration leaderElection(
      OperatorSettings settings, String identity, AtomicBoolean stopping) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
        .withIdentity(identity)
        .withLeaseNamespace(settings.leaseNamespace())
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(
            new LeaderCallbacks(() -> {}, () -> onLostLeadership(stopping), leader -> {}))
        .build();
  }

  /**
   * Leadership lost while running (not while stopping): stop in a thread of its own, as JOSDK's
   * exit would, so that the standby's reconciles are the only ones.
   */
  private static void onLostLeadership(AtomicBoolean stopping) {
    if (stopping.get()) {
      return;
    }
    Thread exit = new Thread(() -> System.exit(1), "lathe-lost-leadership");
    exit.setDaemon(false);
    exit.start();
  }

  /**
   * Starts the policy ConfigMaps' and the signing key's informers (waiting for their first list),
   * then the reconcilers, which read them.
   *
   * @throws IllegalStateException when the key cannot be watched (RBAC, the API server down)
   */
  public void start() {
    operatorConfigMaps.start();
    keySources.start(KEY_INFORMERS_TIMEOUT);
    operator.start();
  }

  /** Stops reconciling and, when leading, gives the Lease up; returns, never exits the JVM. */
  public void stop() {
    stopping.set(true);
    operator.stop();
    operatorConfigMaps.close();
    keySources.close();
    if (settings.leaderElection()) {
      LeaseRelease.release(client, settings.leaseNamespace(), settings.leaseName(), identity);
    }
  }

  /** Ready when started and every informer is connected and synced. */
  public boolean isReady() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy()
        && operatorConfigMaps.isWatching()
        && keySources.isWatching();
  }
}
