package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterHostsFileTest {

  @Test
  void aServiceIsNamedInItsThreeDnsFormsByEveryReadyEndpointAndNotByOthers() {
    String hosts =
        ClusterHostsFile.render(
            List.of(
                slice("demo", "tiny-chat", Map.of("127.0.1.7", true, "127.0.1.8", false)),
                slice("demo", "tiny-chat-v1", Map.of("127.0.1.7", true))),
            Map.entry("builder", "10.0.0.5"));

    assertThat(hosts.lines())
        .contains(
            "127.0.0.1 localhost",
            "10.0.0.5 builder",
            "127.0.1.7 tiny-chat.demo.svc.cluster.local tiny-chat.demo.svc",
            "127.0.1.7 tiny-chat-v1.demo.svc.cluster.local tiny-chat-v1.demo.svc")
        .noneMatch(line -> line.startsWith("127.0.1.8"));
  }

  @Test
  void aSliceWithoutAServiceNameOrEndpointsNamesNothing() {
    EndpointSlice unnamed = slice("demo", "x", Map.of("127.0.1.9", true));
    unnamed.getMetadata().setLabels(Map.of());
    EndpointSlice empty = slice("demo", "idle", Map.of());

    String hosts = ClusterHostsFile.render(List.of(unnamed, empty), null);

    assertThat(hosts.lines())
        .noneMatch(line -> line.contains("127.0.1.9") || line.contains("idle"));
  }

  @Test
  void theFileIsReplacedWholeAndJvmOptionsKeepWhatTheContainerDeclared(@TempDir Path dir)
      throws Exception {
    ClusterHostsFile file = new ClusterHostsFile(dir.resolve("cluster-hosts"));
    file.write(List.of(slice("a", "web", Map.of("127.0.2.1", true))));
    file.write(List.of());

    assertThat(Files.readString(file.path())).doesNotContain("web.a.svc");
    assertThat(file.javaToolOptions(Optional.of("-Xmx1g")))
        .isEqualTo("-Xmx1g -Djdk.net.hosts.file=" + file.path());
    assertThat(file.javaToolOptions(Optional.empty()))
        .isEqualTo("-Djdk.net.hosts.file=" + file.path());
  }

  private static EndpointSlice slice(String ns, String service, Map<String, Boolean> addresses) {
    EndpointSliceBuilder slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(service + "-node")
            .addToLabels(LocalEndpointSlices.SERVICE_NAME, service)
            .endMetadata()
            .withAddressType("FQDN");
    addresses.forEach(
        (address, ready) ->
            slice.addToEndpoints(
                new EndpointBuilder()
                    .withAddresses(address)
                    .withNewConditions()
                    .withReady(ready)
                    .endConditions()
                    .build()));
    return slice.build();
  }
}
