package dev.lathe.operator;

import dev.lathe.operator.finetunejob.FineTuneJobAcceptance;
import dev.lathe.operator.finetunejob.FineTuneJobReconciler;
import dev.lathe.operator.finetunejob.TrainingLifecycle;
import dev.lathe.operator.metrics.FineTuneJobMetrics;
import dev.lathe.operator.metrics.ModelDeploymentMetrics;
import dev.lathe.operator.modeldeployment.ClusterServingActions;
import dev.lathe.operator.modeldeployment.ModelDeploymentAcceptance;
import dev.lathe.operator.modeldeployment.ModelDeploymentReconciler;
import dev.lathe.operator.modeldeployment.ServingDecision;
import dev.lathe.operator.modeldeployment.ServingLoop;
import dev.lathe.operator.modeldeployment.ServingObserver;
import dev.lathe.operator.modelversion.ArtifactDeletion;
import dev.lathe.operator.modelversion.ModelVersionAcceptance;
import dev.lathe.operator.modelversion.ModelVersionReconciler;
import dev.lathe.operator.modelversion.ModelVersionVerification;
import dev.lathe.operator.publishing.ModelPublisher;
import dev.lathe.operator.references.ClusterReferenceLookup;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.signing.OperatorKeys;
import dev.lathe.operator.status.AcceptanceReport;
import dev.lathe.operator.status.ConditionReport;
import dev.lathe.operator.status.EventRecorder;
import dev.lathe.operator.storage.OperatorStorage;
import dev.lathe.operator.training.ProgressReader;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.function.Consumer;

/** The JOSDK operator with Lathe's three reconcilers registered. */
public final class LatheOperator {

  private final Operator operator;

  private LatheOperator(Operator operator) {
    this.operator = operator;
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
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(meters))
                  .withCloseClientOnStop(false);
              if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        settings.leaseName(), settings.leaseNamespace()));
              }
              overrides.accept(o);
            });
    WorkloadSettings workloads = settings.workloads();
    ReferenceLookup lookup =
        new ClusterReferenceLookup(
            client, workloads.operatorNamespace(), workloads.storagePolicyConfigMap());
    EventRecorder events = new EventRecorder(client, clock);
    AcceptanceReport report = new AcceptanceReport(events, clock, settings.recheckInterval());
    ConditionReport conditions = new ConditionReport(events, clock);
    OperatorStorage storage =
        new OperatorStorage(client, workloads.volumeRoot(), lookup::storagePolicy);
    OperatorKeys keys = new OperatorKeys(client, workloads);
    FineTuneJobMetrics metrics = new FineTuneJobMetrics(meters);
    Consumer<ControllerConfigurationOverrider<?>> namespaces =
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        };
    TrainingLifecycle lifecycle =
        new TrainingLifecycle(
            client,
            workloads,
            storage,
            keys,
            new ModelPublisher(client, storage, keys),
            new ProgressReader(storage, workloads.progressInterval(), clock),
            conditions,
            metrics,
            clock,
            settings.recheckInterval());
    FineTuneJobAcceptance.Capabilities capabilities =
        new FineTuneJobAcceptance.Capabilities(
            workloads.defaultStorage().isPresent(), storage.readsClaims());
    operator.register(
        new FineTuneJobReconciler(
            new FineTuneJobAcceptance(lookup, capabilities), report, lifecycle, metrics),
        namespaces::accept);
    operator.register(
        new ModelVersionReconciler(
            new ModelVersionAcceptance(lookup),
            report,
            new ModelVersionVerification(
                client, workloads, storage, keys, conditions, settings.recheckInterval()),
            new ArtifactDeletion(storage, keys, workloads.deleteArtifactsByDefault()),
            events),
        namespaces::accept);
    operator.register(
        new ModelDeploymentReconciler(
            new ServingObserver(
                new ModelDeploymentAcceptance(lookup),
                keys::trustedKeysPem,
                workloads.runtimeImage(),
                ServingObserver.RoutedEndpoints.NONE),
            new ServingLoop(
                new ServingDecision(settings.recheckInterval()),
                new ClusterServingActions(
                    client,
                    () -> operator.getConfigurationService().useSSAToPatchPrimaryResource())),
            events,
            new ModelDeploymentMetrics(meters),
            clock),
        namespaces::accept);
    return new LatheOperator(operator);
  }

  public void start() {
    operator.start();
  }

  public void stop() {
    operator.stop();
  }

  /** Ready when started and every informer is connected and synced. */
  public boolean isReady() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }
}
