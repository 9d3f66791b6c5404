package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One probe attempt against a real HTTP server on loopback. */
class ProbeCheckTest {

  private HttpServer server;
  private int port;
  private final AtomicReference<String> userAgent = new AtomicReference<>();
  private final ProbeCheck check = new ProbeCheck("v1.36.3");

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/ok", exchange -> answer(exchange, 200));
    server.createContext("/moved", exchange -> answer(exchange, 302));
    server.createContext("/down", exchange -> answer(exchange, 503));
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void statusesFrom200To399PassAndOthersFailWithTheStatusCode() {
    assertThat(check.check(http("/ok", new IntOrString(port)), container(), "127.0.0.1").success())
        .isTrue();
    assertThat(
            check.check(http("/moved", new IntOrString(port)), container(), "127.0.0.1").success())
        .isTrue();
    ProbeCheck.Result down =
        check.check(http("/down", new IntOrString(port)), container(), "127.0.0.1");
    assertThat(down.success()).isFalse();
    assertThat(down.message()).isEqualTo("HTTP probe failed with statuscode: 503");
  }

  @Test
  void aNamedPortIsTheContainersPortOfThatNameAndTheUserAgentIsKubeProbe() {
    assertThat(
            check.check(http("/ok", new IntOrString("http")), container(), "127.0.0.1").success())
        .isTrue();
    assertThat(userAgent.get()).isEqualTo("kube-probe/1.36");
    ProbeCheck.Result unknown =
        check.check(http("/ok", new IntOrString("metrics")), container(), "127.0.0.1");
    assertThat(unknown.success()).isFalse();
    assertThat(unknown.message()).isEqualTo("port \"metrics\" is not a port of container web");
  }

  @Test
  void nothingListeningFailsTheHttpAndTheTcpProbe() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    ProbeCheck.Result http =
        check.check(http("/ok", new IntOrString(closed)), container(), "127.0.0.1");
    assertThat(http.success()).isFalse();
    assertThat(http.message()).startsWith("Get \"http://127.0.0.1:" + closed + "/ok\"");
    Probe tcpClosed =
        new ProbeBuilder()
            .withNewTcpSocket()
            .withPort(new IntOrString(closed))
            .endTcpSocket()
            .build();
    assertThat(check.check(tcpClosed, container(), "127.0.0.1").success()).isFalse();
    Probe tcpOpen =
        new ProbeBuilder()
            .withNewTcpSocket()
            .withPort(new IntOrString(port))
            .endTcpSocket()
            .build();
    assertThat(check.check(tcpOpen, container(), "127.0.0.1").success()).isTrue();
  }

  @Test
  void execAndGrpcProbesAreNamedAsUnsupported() {
    Probe exec = new ProbeBuilder().withNewExec().withCommand("true").endExec().build();
    Probe grpc = new ProbeBuilder().withNewGrpc().withPort(9000).endGrpc().build();
    assertThat(ProbeCheck.unsupported(exec)).get().asString().startsWith("exec probes are not run");
    assertThat(ProbeCheck.unsupported(grpc)).get().asString().startsWith("grpc probes are not run");
    assertThat(ProbeCheck.unsupported(http("/ok", new IntOrString(1)))).isEmpty();
    assertThat(ProbeCheck.unsupported(null)).isEmpty();
  }

  private Container container() {
    return new ContainerBuilder()
        .withName("web")
        .addNewPort()
        .withName("http")
        .withContainerPort(port)
        .endPort()
        .build();
  }

  private static Probe http(String path, IntOrString port) {
    return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(port).endHttpGet().build();
  }

  private void answer(com.sun.net.httpserver.HttpExchange exchange, int status) throws IOException {
    userAgent.set(exchange.getRequestHeaders().getFirst("User-Agent"));
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }
}
