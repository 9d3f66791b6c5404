package dev.lathe.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator against the cluster of the current kubeconfig, or the in-cluster service
 * account when it runs in a pod.
 */
public final class LatheOperatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(LatheOperatorMain.class);

  private LatheOperatorMain() {}

  public static void main(String[] args) {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LatheOperator lathe =
        LatheOperator.create(client, settings, meters, Clock.systemUTC(), overrides -> {});
    ObservabilityServer http =
        new ObservabilityServer(
            settings.httpAddress(), settings.httpPort(), lathe::isReady, meters::scrape);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping");
                  lathe.stop();
                  http.close();
                  client.close();
                },
                "lathe-shutdown"));
    http.start();
    LOG.info(
        "Lathe operator starting against {} (leader election {}, namespaces {}), health and metrics on {}",
        client.getMasterUrl(),
        settings.leaderElection() ? "on, lease " + settings.leaseName() : "off",
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        http.address());
    try {
      lathe.start();
    } catch (RuntimeException e) {
      // The health server's thread would keep the JVM alive and /healthz answering 200, so a pod
      // whose operator never started would never be restarted: fail the process instead.
      LOG.error("the operator could not start: {}", e.toString(), e);
      System.exit(1);
    }
  }
}
