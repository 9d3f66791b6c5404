package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * The local node serves as a kubelet does: readiness probes gate the pod's Ready condition and so
 * the EndpointSlice that the real endpointslice controller writes; liveness failures restart the
 * container and count it; a changed ConfigMap reaches the mounted files of a running pod.
 */
@ExtendWith(ControlPlaneExtension.class)
class ServingNodeIT {

  private static final String NODE = "serving-it";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static LocalKubelet kubelet;
  private static KubernetesClient client;

  @BeforeAll
  static void startKubelet(KubernetesClient shared, @TempDir Path root) {
    client = shared;
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
  void readinessProbeGatesTheEndpointSliceAndFollowsTheConfigMapThatTheProbedFileComesFrom()
      throws Exception {
    String ns = WebServerPods.namespace(client, "serving-ready");
    Map<String, String> files = new HashMap<>(Map.of("index.html", "v1", "healthz", "ok"));
    client.resource(WebServerPods.site(ns, "site", files)).create();
    client.resource(WebServerPods.service(ns, "web", "web")).create();
    client.resource(WebServerPods.pod(ns, "web-0", "web", NODE, "site")).create();

    // Running and answering, but /readyz is 404: not Ready, its endpoint listed as not ready.
    awaitOrDump(ns, () -> get(ns, "web-0", "/index.html").equals("200 v1"));
    awaitOrDump(ns, () -> endpointReady(ns).equals(List.of(false)));
    Pod running = pod(ns, "web-0");
    assertThat(WebServerPods.podReady(running)).isFalse();
    assertThat(running.getStatus().getContainerStatuses().get(0).getReady()).isFalse();
    assertThat(running.getStatus().getContainerStatuses().get(0).getStarted()).isTrue();

    // The ConfigMap gains readyz: the file appears in the running pod, the probe passes.
    files.put("readyz", "ok");
    files.put("index.html", "v2");
    long updated = System.nanoTime();
    client.resource(WebServerPods.site(ns, "site", files)).update();
    awaitOrDump(ns, () -> get(ns, "web-0", "/index.html").equals("200 v2"));
    long propagatedMillis = (System.nanoTime() - updated) / 1_000_000;
    awaitOrDump(ns, () -> WebServerPods.podReady(pod(ns, "web-0")));
    awaitOrDump(ns, () -> endpointReady(ns).equals(List.of(true)));
    System.out.println(
        "ConfigMap change visible in the pod's file after " + propagatedMillis + " ms");
    assertThat(propagatedMillis)
        .as("within the resync bound")
        .isLessThan(LocalKubelet.CONFIG_MAP_RESYNC.toMillis() + 5_000);

    // The key goes away again: the file is removed, the pod and its endpoint turn not ready.
    files.remove("readyz");
    client.resource(WebServerPods.site(ns, "site", files)).update();
    awaitOrDump(ns, () -> endpointReady(ns).equals(List.of(false)));
    assertThat(WebServerPods.podReady(pod(ns, "web-0"))).isFalse();
    assertThat(pod(ns, "web-0").getStatus().getContainerStatuses().get(0).getRestartCount())
        .as("readiness never restarts")
        .isZero();
  }

  @Test
  void failingLivenessProbeRestartsTheContainerInTheSamePodAndCountsTheRestart() throws Exception {
    String ns = WebServerPods.namespace(client, "serving-live");
    Map<String, String> files = new HashMap<>(Map.of("readyz", "ok", "healthz", "ok"));
    client.resource(WebServerPods.site(ns, "site", files)).create();
    client.resource(WebServerPods.pod(ns, "web-0", "web", NODE, "site")).create();
    awaitOrDump(ns, () -> WebServerPods.podReady(pod(ns, "web-0")));
    String uid = pod(ns, "web-0").getMetadata().getUid();
    String firstContainer =
        pod(ns, "web-0").getStatus().getContainerStatuses().get(0).getContainerID();

    files.remove("healthz");
    client.resource(WebServerPods.site(ns, "site", files)).update();
    awaitOrDump(
        ns,
        () -> pod(ns, "web-0").getStatus().getContainerStatuses().get(0).getRestartCount() >= 1);
    files.put("healthz", "ok");
    client.resource(WebServerPods.site(ns, "site", files)).update();
    awaitOrDump(ns, () -> WebServerPods.podReady(pod(ns, "web-0")));

    Pod pod = pod(ns, "web-0");
    var status = pod.getStatus().getContainerStatuses().get(0);
    assertThat(pod.getMetadata().getUid()).isEqualTo(uid);
    assertThat(status.getContainerID()).isNotEqualTo(firstContainer);
    assertThat(status.getLastState().getTerminated()).isNotNull();
    assertThat(status.getState().getRunning()).isNotNull();
  }

  @Test
  void aPodWithAnExecProbeFailsWithProbeNotSupportedInsteadOfNeverBecomingReady() {
    String ns = WebServerPods.namespace(client, "serving-exec");
    client.resource(WebServerPods.site(ns, "site", Map.of("readyz", "ok"))).create();
    Pod pod = WebServerPods.pod(ns, "web-0", "web", NODE, "site");
    pod.getSpec().getContainers().get(0).getReadinessProbe().setHttpGet(null);
    pod.getSpec()
        .getContainers()
        .get(0)
        .getReadinessProbe()
        .setExec(new io.fabric8.kubernetes.api.model.ExecAction(List.of("true")));
    client.resource(pod).create();

    awaitOrDump(ns, () -> "Failed".equals(pod(ns, "web-0").getStatus().getPhase()));
    Pod failed = pod(ns, "web-0");
    assertThat(failed.getStatus().getReason()).isEqualTo("ProbeNotSupported");
    assertThat(failed.getStatus().getMessage()).contains("exec probes are not run");
  }

  private static List<Boolean> endpointReady(String ns) {
    return WebServerPods.endpoints(client, ns, "web").stream()
        .map(Endpoint::getConditions)
        .map(c -> c != null && Boolean.TRUE.equals(c.getReady()))
        .toList();
  }

  private static Pod pod(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  /** "STATUS BODY" of a GET to the pod's own address, or "unreachable". */
  private static String get(String ns, String name, String path) {
    Pod pod = pod(ns, name);
    if (pod == null || pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
      return "no pod IP";
    }
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://" + pod.getStatus().getPodIP() + ":" + WebServerPods.PORT + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (IOException e) {
      return "unreachable";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Test
  void aJvmInAPodReachesAServiceByItsClusterDnsNameAtTheAddressOfItsReadyPod(@TempDir Path programs)
      throws Exception {
    String ns = WebServerPods.namespace(client, "serving-dns");
    client
        .resource(
            WebServerPods.site(
                ns, "site", Map.of("index.html", "by name", "readyz", "ok", "healthz", "ok")))
        .create();
    client.resource(WebServerPods.service(ns, "web", "web")).create();
    client.resource(WebServerPods.pod(ns, "web-0", "web", NODE, "site")).create();
    awaitOrDump(ns, () -> endpointReady(ns).equals(List.of(true)));

    // A client pod asks the Service by the name a cluster's DNS gives it, and reports what it got.
    Path program = programs.resolve("Fetch.java");
    Files.writeString(
        program,
        """
        import java.net.URI;
        import java.net.http.*;
        import java.nio.file.*;
        public class Fetch {
          public static void main(String[] args) throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(args[0])).build(),
                HttpResponse.BodyHandlers.ofString());
            Files.writeString(Path.of(args[1]), r.statusCode() + " " + r.body());
          }
        }
        """);
    String url = "http://web." + ns + ".svc.cluster.local:" + WebServerPods.PORT + "/index.html";
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("client")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addToNodeSelector("kubernetes.io/hostname", NODE)
                .addNewContainer()
                .withName("fetch")
                .withImage(WebServerPods.JAVA_IMAGE)
                .withArgs(program.toString(), url, "/dev/termination-log")
                .endContainer()
                .endSpec()
                .build())
        .create();

    awaitOrDump(ns, () -> "Succeeded".equals(pod(ns, "client").getStatus().getPhase()));
    assertThat(
            pod(ns, "client")
                .getStatus()
                .getContainerStatuses()
                .get(0)
                .getState()
                .getTerminated()
                .getMessage())
        .isEqualTo("200 by name");
  }

  private static void awaitOrDump(String ns, Callable<Boolean> condition) {
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(condition);
    } catch (RuntimeException | AssertionError e) {
      for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
        System.err.println(client.getKubernetesSerialization().asYaml(pod));
        kubelet
            .containerLog(ns, pod.getMetadata().getName(), "web")
            .ifPresent(log -> System.err.println("--- log of web:\n" + read(log)));
        kubelet
            .containerLog(ns, pod.getMetadata().getName(), "fetch")
            .ifPresent(log -> System.err.println("--- log of fetch:\n" + read(log)));
      }
      System.err.println(
          client
              .getKubernetesSerialization()
              .asYaml(client.discovery().v1().endpointSlices().inNamespace(ns).list()));
      throw e;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
