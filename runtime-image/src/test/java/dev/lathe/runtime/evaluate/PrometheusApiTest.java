package dev.lathe.runtime.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.artifact.contract.GateReport.Figure;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PrometheusApiTest {

  @Test
  void aPrometheusThatIsDownMakesTheFigureAnErrorNamingTheAddress() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String address = "http://127.0.0.1:" + closed;
    PrometheusApi api =
        new PrometheusApi(HttpClient.newHttpClient(), address + "/", Duration.ofSeconds(5));

    Figure figure = api.query("up", Instant.now());

    assertThat(figure.query()).isEqualTo("up");
    assertThat(figure.value()).isNull();
    assertThat(figure.error())
        .startsWith("Prometheus at " + address + " could not be reached: ConnectException");
  }

  @Test
  void anAddressThatIsNotAnHttpUrlIsRefused() {
    assertThatThrownBy(
            () ->
                new PrometheusApi(
                    HttpClient.newHttpClient(), "prometheus:9090", Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the Prometheus address prometheus:9090 is not an http:// or https:// URL with a"
                + " host");
  }
}
