package dev.lathe.operator.rollout.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lathe.controlplane.ControlPlaneExtension;
import dev.lathe.controlplane.ImageResolver;
import dev.lathe.controlplane.LocalGateway;
import dev.lathe.controlplane.LocalKubelet;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canary's weight on a user's HTTPRoute, through the real API server (server-side apply, the
 * managed fields) and the real gateway (Traefik): the weights are applied under field manager
 * lathe-rollout, everything else of the route stays its owner's, the read-back says "set" once the
 * gateway accepted the generation, and the canary's share of a few hundred requests through the
 * gateway is the weight within a stated tolerance. Backends are two one-file web servers (Python's
 * http.server on the local node) that answer which version they are.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteWeightsIT {

  private static final String NS = "route-weights";
  private static final String NODE = "route-weights-node";
  private static final String IMAGE = "registry.example/lathe-test/web:1";
  private static final String OWNER = "argocd-controller";
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final KubernetesClient client;
  private final LocalGateway gateway;
  private LocalKubelet node;

  RouteWeightsIT(KubernetesClient client, LocalGateway gateway) {
    this.client = client;
    this.gateway = gateway;
  }

  @BeforeAll
  void startNodeAndVersions(@TempDir Path root) {
    node =
        LocalKubelet.start(
            client,
            LocalKubelet.Options.defaults(
                    ImageResolver.byImageSubstring(
                        Map.of("lathe-test/web", List.of("python3", "-m", "http.server"))))
                .withNodeName(NODE)
                .withRootDirectory(root));
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    for (String version : List.of("stable", "canary")) {
      client
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("site-" + version)
                  .withNamespace(NS)
                  .endMetadata()
                  .withData(Map.of("readyz", "ok", "who", version))
                  .build())
          .serverSideApply();
      client.resource(versionPod(version)).serverSideApply();
      client
          .resource(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName("web-" + version)
                  .withNamespace(NS)
                  .endMetadata()
                  .withNewSpec()
                  .addToSelector("version", version)
                  .addNewPort()
                  .withName("http")
                  .withPort(80)
                  .withTargetPort(new IntOrString("http"))
                  .endPort()
                  .endSpec()
                  .build())
          .serverSideApply();
    }
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theCanaryGetsItsWeightThroughTheGatewayAndTheOwnersFieldsStayTheOwners() throws Exception {
    route().fieldManager(OWNER).serverSideApply();
    String url = gateway.url() + "/route-weights/who";
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> get(url).equals("stable"));

    HTTPRoute observed = route().get();
    setWeight(observed, 25);

    HTTPRoute weighted = route().get();
    assertThat(weighted.getMetadata().getLabels()).containsEntry("team", "chat");
    assertThat(weighted.getMetadata().getAnnotations()).containsEntry("example.com/owner", "chat");
    assertThat(weighted.getSpec().getParentRefs()).isEqualTo(observed.getSpec().getParentRefs());
    assertThat(weighted.getSpec().getRules().get(0).getFilters())
        .isEqualTo(observed.getSpec().getRules().get(0).getFilters());
    assertThat(weighted.getSpec().getRules().get(1))
        .isEqualTo(observed.getSpec().getRules().get(1));
    assertThat(managerOf(weighted, OWNER)).contains("f:labels").contains("f:parentRefs");
    assertThat(managerOf(weighted, RouteWeightsBuilder.FIELD_MANAGER))
        .contains("f:rules")
        .doesNotContain("f:labels")
        .doesNotContain("f:parentRefs");

    awaitSet(25);
    // Traefik applies a route shortly after it reports on it: the count starts at the first
    // canary answer.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> get(url).equals("canary"));
    int requests = 400;
    int canary = 0;
    for (int i = 0; i < requests; i++) {
      String who = get(url);
      assertThat(who).isIn("stable", "canary");
      canary += who.equals("canary") ? 1 : 0;
    }
    // Traefik's weighted round robin is smooth and deterministic; allow 5 points for the
    // round-robin position the count starts at and for connection reuse.
    assertThat(canary).isBetween(80, 120);
    System.out.printf(
        "RouteWeightsIT: %d of %d requests to the canary at weight 25%n", canary, requests);

    setWeight(route().get(), 0);
    awaitSet(0);
    // As above, the gateway may hold the old weights a moment after it reported on the new ones.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> IntStream.range(0, 20).allMatch(i -> get(url).equals("stable")));
    for (int i = 0; i < 100; i++) {
      assertThat(get(url)).isEqualTo("stable");
    }
  }

  /** What the rollout does: the apply configuration, under its own field manager. */
  private void setWeight(HTTPRoute observed, int weight) {
    client
        .resource(RouteWeightsBuilder.apply(observed, "web-stable", "web-canary", weight))
        .fieldManager(RouteWeightsBuilder.FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }

  private void awaitSet(int weight) {
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  RouteWeightsCheck.read(route().get(), "web-stable", "web-canary", weight).set());
    } catch (RuntimeException | AssertionError e) {
      System.err.println(client.getKubernetesSerialization().asYaml(route().get()));
      System.err.println("--- Traefik:\n" + gateway.logTail(60));
      throw e;
    }
  }

  private Resource<HTTPRoute> route() {
    return client
        .resources(HTTPRoute.class)
        .inNamespace(NS)
        .resource(
            new HTTPRouteBuilder()
                .withNewMetadata()
                .withName("public-web")
                .withNamespace(NS)
                .addToLabels("team", "chat")
                .addToAnnotations("example.com/owner", "chat")
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName(LocalGateway.GATEWAY)
                .withNamespace(LocalGateway.NAMESPACE)
                .withSectionName(LocalGateway.LISTENER)
                .endParentRef()
                .addNewRule()
                .addNewMatch()
                .withNewPath()
                .withType("PathPrefix")
                .withValue("/route-weights/")
                .endPath()
                .endMatch()
                .addNewFilter()
                .withType("URLRewrite")
                .withNewUrlRewrite()
                .withNewPath()
                .withType("ReplacePrefixMatch")
                .withReplacePrefixMatch("/")
                .endPath()
                .endUrlRewrite()
                .endFilter()
                .addNewBackendRef()
                .withName("web-stable")
                .withPort(80)
                .endBackendRef()
                .endRule()
                .addNewRule()
                .addNewMatch()
                .withNewPath()
                .withType("PathPrefix")
                .withValue("/route-weights-docs/")
                .endPath()
                .endMatch()
                .addNewBackendRef()
                .withName("web-stable")
                .withPort(80)
                .endBackendRef()
                .endRule()
                .endSpec()
                .build());
  }

  private static String managerOf(HTTPRoute route, String manager) {
    return route.getMetadata().getManagedFields().stream()
        .filter(m -> manager.equals(m.getManager()))
        .map(ManagedFieldsEntry::getFieldsV1)
        .map(String::valueOf)
        .findFirst()
        .orElse("");
  }

  private static io.fabric8.kubernetes.api.model.Pod versionPod(String version) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-" + version)
        .withNamespace(NS)
        .addToLabels("version", version)
        .endMetadata()
        .withNewSpec()
        .addToNodeSelector("kubernetes.io/hostname", NODE)
        .withTerminationGracePeriodSeconds(2L)
        .addNewVolume()
        .withName("site")
        .withNewConfigMap()
        .withName("site-" + version)
        .endConfigMap()
        .endVolume()
        .addNewContainer()
        .withName("web")
        .withImage(IMAGE)
        .withArgs("--bind", "$(POD_IP)", "--directory", "/srv", "8080")
        .addNewEnv()
        .withName("POD_IP")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("status.podIP")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .addNewVolumeMount()
        .withName("site")
        .withMountPath("/srv")
        .endVolumeMount()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/readyz")
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(1)
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .build();
  }

  private static String get(String url) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? response.body().strip()
          : "HTTP " + response.statusCode();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return "unreachable: " + e;
    }
  }
}
