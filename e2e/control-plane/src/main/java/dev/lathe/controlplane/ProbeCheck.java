package dev.lathe.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * One attempt of a container probe, as a kubelet makes it: an HTTP GET to the pod's address (any
 * status from 200 to 399 is a success, redirects are not followed), or a TCP connect. Both give up
 * after the probe's timeoutSeconds. The kubelet's other probe kinds (exec, grpc) are refused before
 * the pod starts, see {@link #unsupported}.
 */
final class ProbeCheck {

  /** What one attempt found; the message says why it failed, in the kubelet's words. */
  record Result(boolean success, String message) {
    static Result ok() {
      return new Result(true, "");
    }

    static Result failed(String message) {
      return new Result(false, message);
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String userAgent;

  /** {@code kubernetesVersion}: e.g. v1.36.3; the User-Agent is {@code kube-probe/1.36}. */
  ProbeCheck(String kubernetesVersion) {
    String minor = kubernetesVersion.replaceFirst("^v?(\\d+\\.\\d+).*$", "$1");
    this.userAgent = "kube-probe/" + minor;
  }

  /** Why this probe cannot run on the local node, or empty when it can. */
  static Optional<String> unsupported(Probe probe) {
    if (probe == null || probe.getHttpGet() != null || probe.getTcpSocket() != null) {
      return Optional.empty();
    }
    if (probe.getExec() != null) {
      return Optional.of("exec probes are not run by the local kubelet (use httpGet or tcpSocket)");
    }
    if (probe.getGrpc() != null) {
      return Optional.of("grpc probes are not run by the local kubelet (use httpGet or tcpSocket)");
    }
    return Optional.of("the probe names no handler (httpGet, tcpSocket, exec or grpc)");
  }

  Result check(Probe probe, Container container, String podIp) {
    Duration timeout = Duration.ofSeconds(positiveOr(probe.getTimeoutSeconds(), 1));
    try {
      if (probe.getHttpGet() != null) {
        return httpGet(probe.getHttpGet(), container, podIp, timeout);
      }
      return tcpConnect(probe, container, podIp, timeout);
    } catch (IllegalArgumentException e) {
      return Result.failed(e.getMessage());
    }
  }

  private Result httpGet(HTTPGetAction get, Container container, String podIp, Duration timeout) {
    String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase(Locale.ROOT);
    String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
    int port = port(get.getPort(), container);
    String path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    URI uri = URI.create(scheme + "://" + host + ":" + port + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).GET().header("Accept", "*/*");
    boolean userAgentSet = false;
    if (get.getHttpHeaders() != null) {
      for (HTTPHeader header : get.getHttpHeaders()) {
        // Java's client sets Host from the URI itself and refuses to take it as a header.
        if (!"host".equalsIgnoreCase(header.getName())) {
          request.header(header.getName(), header.getValue());
          userAgentSet |= "user-agent".equalsIgnoreCase(header.getName());
        }
      }
    }
    if (!userAgentSet) {
      request.header("User-Agent", userAgent);
    }
    try {
      int status = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status >= 200 && status < 400) {
        return Result.ok();
      }
      return Result.failed("HTTP probe failed with statuscode: " + status);
    } catch (java.net.http.HttpTimeoutException e) {
      return Result.failed(
          "Get \"" + uri + "\": context deadline exceeded (timeout " + timeout.toSeconds() + "s)");
    } catch (IOException e) {
      return Result.failed("Get \"" + uri + "\": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.failed("probe interrupted");
    }
  }

  private static Result tcpConnect(
      Probe probe, Container container, String podIp, Duration timeout) {
    var tcp = probe.getTcpSocket();
    String host = tcp.getHost() == null || tcp.getHost().isEmpty() ? podIp : tcp.getHost();
    int port = port(tcp.getPort(), container);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return Result.ok();
    } catch (IOException e) {
      return Result.failed("dial tcp " + host + ":" + port + ": " + describe(e));
    }
  }

  /** A number, or the name of one of the container's ports. */
  static int port(IntOrString port, Container container) {
    if (port == null) {
      throw new IllegalArgumentException("the probe names no port");
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    if (name != null && name.matches("\\d+")) {
      return Integer.parseInt(name);
    }
    if (container.getPorts() != null) {
      for (ContainerPort p : container.getPorts()) {
        if (name != null && name.equals(p.getName())) {
          return p.getContainerPort();
        }
      }
    }
    throw new IllegalArgumentException(
        "port \"" + name + "\" is not a port of container " + container.getName());
  }

  static int positiveOr(Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
  }
}
