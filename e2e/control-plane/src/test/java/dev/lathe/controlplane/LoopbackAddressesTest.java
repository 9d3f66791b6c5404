package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {

  @Test
  void addressesStayInTheLoopbackNetworkAndComeRoundAgainAfterTheLast() {
    assertThat(LoopbackAddresses.address(0)).isEqualTo("127.0.1.1");
    assertThat(LoopbackAddresses.address(253)).isEqualTo("127.0.1.254");
    assertThat(LoopbackAddresses.address(254)).isEqualTo("127.0.2.1");
    assertThat(LoopbackAddresses.address(255 * 254 - 1)).isEqualTo("127.0.255.254");
    assertThat(LoopbackAddresses.address(255 * 254)).isEqualTo("127.0.1.1");
  }

  @Test
  void anAddressWhereADeclaredPortIsAlreadyTakenIsNotFree() throws Exception {
    try (ServerSocket other = new ServerSocket()) {
      other.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = other.getLocalPort();
      assertThat(LoopbackAddresses.free("127.0.0.1", List.of(port))).isFalse();
      assertThat(LoopbackAddresses.free("127.0.0.1", List.of())).isTrue();
    }
  }

  @Test
  void podsOfOneJvmNeverShareAnAddress() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String address = LoopbackAddresses.next(List.of());
      assertThat(seen.add(address) || address.equals("127.0.0.1")).isTrue();
    }
  }
}
