package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Sha256LimitTest {

  @Test
  void theLimitIsOpensslsLastSha256FigureInThousandsOfBytesTimesTheCores() {
    String output =
        "version: 3.0.19\n" + "type          1048576 bytes\n" + "sha256          1754677.25k\n";

    Sha256Limit limit = new Sha256Limit(Sha256Limit.parse(output), 2);

    assertThat(limit.perCoreBytesPerSecond()).isEqualTo(1_754_677_250.0);
    assertThat(limit.bytesPerSecond()).isEqualTo(3_509_354_500.0);
  }

  @Test
  void outputWithoutASha256LineIsRefusedQuotingIt() {
    assertThatThrownBy(() -> Sha256Limit.parse("sha512 12.0k\nError: unknown digest\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Error: unknown digest");
  }
}
