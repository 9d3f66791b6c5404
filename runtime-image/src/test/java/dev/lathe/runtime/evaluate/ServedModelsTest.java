package dev.lathe.runtime.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wait for every pod to serve both pinned adapter versions, against a loopback server. */
class ServedModelsTest {

  private HttpServer server;
  private final Set<String> asked = ConcurrentHashMap.newKeySet();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** A pod that serves a model only from its {@code servesFrom}-th question on. */
  private String pod(int servesFrom) throws Exception {
    AtomicInteger questions = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext(
        "/v1/models/",
        exchange -> {
          asked.add(exchange.getRequestURI().getRawPath());
          int status = questions.incrementAndGet() >= servesFrom ? 200 : 404;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void waitsUntilThePodServesEveryPinnedNameAskingForItEncoded() throws Exception {
    String pod = pod(4);

    ServedModels.await(
        HttpClient.newHttpClient(),
        List.of(pod),
        List.of("support@sha256:aa", "support@sha256:bb"),
        Duration.ofSeconds(20));

    assertThat(asked)
        .contains("/v1/models/support%40sha256%3Aaa", "/v1/models/support%40sha256%3Abb");
  }

  @Test
  void aPodThatNeverServesTheCandidateFailsNamingPodAndModel() throws Exception {
    String pod = pod(Integer.MAX_VALUE);

    assertThatThrownBy(
            () ->
                ServedModels.await(
                    HttpClient.newHttpClient(),
                    List.of(pod),
                    List.of("support@sha256:aa"),
                    Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("support@sha256:aa on pod " + pod)
        .hasMessageContaining("not served within 1s");
  }

  @Test
  void withoutPodsToAwaitNothingIsAsked() throws Exception {
    ServedModels.await(HttpClient.newHttpClient(), List.of(), List.of("m"), Duration.ZERO);
    assertThat(asked).isEmpty();
  }
}
