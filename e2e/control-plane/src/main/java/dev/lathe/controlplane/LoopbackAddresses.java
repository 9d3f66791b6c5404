package dev.lathe.controlplane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback address of its own for each pod (127.0.x.y), so two pods can listen on the same port
 * as they could on a real node. Linux routes all of 127.0.0.0/8 to the loopback interface;
 * elsewhere every pod gets 127.0.0.1.
 *
 * <p>Other JVMs on the machine run local nodes too (a developer's sandbox, another test run), and
 * the loopback network is the machine's: counting from the same first address in each, two runtime
 * pods got 127.0.1.7, the second could not listen, and its readiness probe was answered by the
 * first. So each JVM starts at a random point, and an address where one of the pod's declared
 * container ports is already taken is passed over.
 */
final class LoopbackAddresses {

  private static final boolean WHOLE_LOOPBACK_NETWORK =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
  private static final int ADDRESSES = 255 * 254;
  // Shared by every kubelet in this JVM, so that two nodes never hand out the same address.
  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(ADDRESSES));
  // Enough to pass over every other local node's pods; past it the address is used regardless.
  private static final int MAX_SKIPPED = 1024;

  private LoopbackAddresses() {}

  /** An address for a pod that will listen on {@code ports}, none of them taken there now. */
  static String next(List<Integer> ports) {
    if (!WHOLE_LOOPBACK_NETWORK) {
      return "127.0.0.1";
    }
    String candidate = address(NEXT.getAndIncrement());
    for (int skipped = 0; skipped < MAX_SKIPPED && !free(candidate, ports); skipped++) {
      candidate = address(NEXT.getAndIncrement());
    }
    return candidate;
  }

  /** The n-th address of 127.0.1.1 … 127.0.255.254, round again after the last. */
  static String address(int n) {
    int i = Math.floorMod(n, ADDRESSES);
    return "127.0." + (1 + i / 254) + "." + (1 + i % 254);
  }

  /** Whether nothing listens on any of {@code ports} at {@code address}. */
  static boolean free(String address, List<Integer> ports) {
    for (int port : ports) {
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(address, port));
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }
}
