package dev.lathe.operator;

import dev.lathe.operator.finetunejob.FineTuneJobAcceptance;
import dev.lathe.operator.finetunejob.FineTuneJobReconciler;
import dev.lathe.operator.modeldeployment.ModelDeploymentAcceptance;
import dev.lathe.operator.modeldeployment.ModelDeploymentReconciler;
import dev.lathe.operator.modelversion.ModelVersionAcceptance;
import dev.lathe.operator.modelversion.ModelVersionReconciler;
import dev.lathe.operator.references.ClusterReferenceLookup;
import dev.lathe.operator.references.ReferenceLookup;
import dev.lathe.operator.status.AcceptanceReport;
import dev.lathe.operator.status.EventRecorder;
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
    ReferenceLookup lookup = new ClusterReferenceLookup(client);
    AcceptanceReport report =
        new AcceptanceReport(new EventRecorder(client, clock), clock, settings.recheckInterval());
    Consumer<ControllerConfigurationOverrider<?>> namespaces =
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        };
    operator.register(
        new FineTuneJobReconciler(new FineTuneJobAcceptance(lookup), report), namespaces::accept);
    operator.register(
        new ModelVersionReconciler(new ModelVersionAcceptance(lookup), report), namespaces::accept);
    operator.register(
        new ModelDeploymentReconciler(new ModelDeploymentAcceptance(lookup), report),
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
