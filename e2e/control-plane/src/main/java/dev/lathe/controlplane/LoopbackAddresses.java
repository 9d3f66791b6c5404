package dev.lathe.controlplane;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback address of its own for each pod (127.0.1.1, 127.0.1.2, …), so two pods can listen on
 * the same port as they could on a real node. Linux routes all of 127.0.0.0/8 to the loopback
 * interface; elsewhere every pod gets 127.0.0.1.
 */
final class LoopbackAddresses {

  private static final boolean WHOLE_LOOPBACK_NETWORK =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
  // Shared by every kubelet in this JVM, so that two nodes never hand out the same address; it
  // starts at a random place so that local clusters of other JVMs on the machine (tests run side
  // by side) are unlikely to hand out an address of this one's while it is in use.
  private static final AtomicInteger NEXT =
      new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(255 * 254));

  private LoopbackAddresses() {}

  static String next() {
    if (!WHOLE_LOOPBACK_NETWORK) {
      return "127.0.0.1";
    }
    // 127.0.1.1 … 127.0.255.254, then round again: far more than one machine's pods at a time.
    int n = Math.floorMod(NEXT.getAndIncrement(), 255 * 254);
    return "127.0." + (1 + n / 254) + "." + (1 + n % 254);
  }
}
