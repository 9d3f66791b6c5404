package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request from this machine reaches a pod on the local node through real Kubernetes routing
 * machinery: Traefik's Gateway API provider reads the HTTPRoute and the Service's EndpointSlices
 * (which follow the pod's readiness) from the API server and proxies to the pod's loopback address.
 */
@ExtendWith(ControlPlaneExtension.class)
class LocalGatewayIT {

  private static final String NODE = "gateway-it";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalKubelet kubelet;
  private static KubernetesClient client;
  private static LocalGateway gateway;

  @BeforeAll
  static void start(KubernetesClient shared, LocalGateway sharedGateway, @TempDir Path root) {
    client = shared;
    gateway = sharedGateway;
    kubelet =
        LocalKubelet.start(
            client,
            LocalKubelet.Options.defaults(WebServerPods.images())
                .withNodeName(NODE)
                .withRootDirectory(root));
  }

  @AfterAll
  static void stopKubelet() {
    if (kubelet != null) {
      kubelet.close();
    }
  }

  @Test
  void gatewayIsProgrammedOnALoopbackListenerByTraefik() {
    GenericKubernetesResource gw =
        client
            .genericKubernetesResources("gateway.networking.k8s.io/v1", "Gateway")
            .inNamespace(LocalGateway.NAMESPACE)
            .withName(LocalGateway.GATEWAY)
            .get();
    assertThat(conditionStatus(gw, "Programmed")).isEqualTo("True");
    assertThat(gateway.url()).startsWith("http://127.0.0.1:");
    GenericKubernetesResource gatewayClass =
        client
            .genericKubernetesResources("gateway.networking.k8s.io/v1", "GatewayClass")
            .withName(LocalGateway.GATEWAY_CLASS)
            .get();
    assertThat(conditionStatus(gatewayClass, "Accepted")).isEqualTo("True");
  }

  @Test
  void anHttpRouteToAServiceReachesItsReadyPodOnTheLocalNodeAndNotItsUnreadyOne() throws Exception {
    String ns = WebServerPods.namespace(client, "gateway-route");
    Map<String, String> files = new HashMap<>();
    files.put("healthz", "ok");
    files.put("readyz", "ok");
    files.put("hello.txt", "hello from the ready pod");
    client.resource(WebServerPods.site(ns, "ready-site", files)).create();
    client
        .resource(
            WebServerPods.site(
                ns, "unready-site", Map.of("healthz", "ok", "hello.txt", "from the unready pod")))
        .create();
    client.resource(WebServerPods.service(ns, "web", "web")).create();
    client.resource(WebServerPods.pod(ns, "web-ready", "web", NODE, "ready-site")).create();
    client.resource(WebServerPods.pod(ns, "web-unready", "web", NODE, "unready-site")).create();
    client.resource(route(ns)).serverSideApply();

    String url = gateway.url() + "/gateway-it/hello.txt";
    awaitOrDump(ns, () -> get(url).equals("200 hello from the ready pod"));

    // Many requests, all to the ready pod: the unready one is not in Traefik's backends.
    for (int i = 0; i < 20; i++) {
      assertThat(get(url)).isEqualTo("200 hello from the ready pod");
    }
    Pod unready = client.pods().inNamespace(ns).withName("web-unready").get();
    assertThat(WebServerPods.podReady(unready)).isFalse();
    assertThat(get(gateway.url() + "/not-routed")).startsWith("404");
  }

  /** Routes /gateway-it/ on the local Gateway to Service web, the prefix taken off. */
  private static String route(String ns) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: web
          namespace: %s
        spec:
          parentRefs:
          - name: %s
            namespace: %s
            sectionName: %s
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /gateway-it/
            filters:
            - type: URLRewrite
              urlRewrite:
                path:
                  type: ReplacePrefixMatch
                  replacePrefixMatch: /
            backendRefs:
            - name: web
              port: 80
        """
        .formatted(ns, LocalGateway.GATEWAY, LocalGateway.NAMESPACE, LocalGateway.LISTENER);
  }

  @SuppressWarnings("unchecked")
  private static String conditionStatus(GenericKubernetesResource resource, String type) {
    Map<String, Object> status =
        (Map<String, Object>) resource.getAdditionalProperties().get("status");
    List<Map<String, Object>> conditions = (List<Map<String, Object>>) status.get("conditions");
    return conditions.stream()
        .filter(c -> type.equals(c.get("type")))
        .map(c -> (String) c.get("status"))
        .findFirst()
        .orElse("absent");
  }

  private static String get(String url) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (IOException e) {
      return "unreachable: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static void awaitOrDump(String ns, Callable<Boolean> condition) {
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(condition);
    } catch (RuntimeException | AssertionError e) {
      System.err.println(
          client
              .getKubernetesSerialization()
              .asYaml(
                  client
                      .genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
                      .inNamespace(ns)
                      .list()));
      System.err.println(
          client
              .getKubernetesSerialization()
              .asYaml(client.discovery().v1().endpointSlices().inNamespace(ns).list()));
      System.err.println("--- Traefik:\n" + gateway.logTail(60));
      throw e;
    }
  }
}
