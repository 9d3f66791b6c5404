package dev.lathe.cli.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The operator, from its jar, as its own process against the local cluster (as in production). */
final class OperatorProcess implements AutoCloseable {

  static final String NAMESPACE = "lathe-system";
  static final String TRAINER_IMAGE = "lathe.local/lathe-trainer:dev";

  private final ChildProcess process;
  private final int port;

  private OperatorProcess(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  static OperatorProcess start(SandboxLayout layout, Optional<String> gatewayUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", layout.kubeconfig().toString());
    // The operator routes each ModelDeployment through the local gateway, and says so in
    // status.endpoint, only when it is told which Gateway that is.
    gatewayUrl.ifPresent(
        url -> {
          env.put("LATHE_GATEWAY", LocalCluster.GATEWAY);
          env.put("LATHE_GATEWAY_URL", url);
        });
    env.put("LATHE_TRAINER_IMAGE", orDefault("LATHE_TRAINER_IMAGE", TRAINER_IMAGE));
    env.put("LATHE_OPERATOR_NAMESPACE", NAMESPACE);
    env.put("LATHE_VOLUME_ROOT", layout.volumes().toString());
    env.put("LATHE_PROGRESS_SECONDS", orDefault("LATHE_PROGRESS_SECONDS", "2"));
    env.put("LATHE_RECHECK_SECONDS", orDefault("LATHE_RECHECK_SECONDS", "5"));
    env.put("LATHE_LEADER_ELECTION", orDefault("LATHE_LEADER_ELECTION", "false"));
    env.put("LATHE_LOG_FORMAT", orDefault("LATHE_LOG_FORMAT", "text"));
    int port = Integer.parseInt(orDefault("LATHE_HTTP_PORT", "8080"));
    env.put("LATHE_HTTP_PORT", String.valueOf(port));
    ChildProcess process =
        ChildProcess.start(
            "the operator",
            List.of(SandboxLayout.java().toString(), "-jar", layout.operatorJar().toString()),
            layout.repository(),
            env,
            layout.state().resolve("operator.log"));
    return new OperatorProcess(process, port);
  }

  int port() {
    return port;
  }

  ChildProcess process() {
    return process;
  }

  boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String orDefault(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  @Override
  public void close() {
    process.close();
  }
}
