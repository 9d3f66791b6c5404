package dev.lathe.operator.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The adapter list's canary entries, in the shape the runtime's AdapterList reads. */
class AdapterListCanaryTest {

  private static final String V1 = "sha256:" + "1".repeat(64);
  private static final String V2 = "sha256:" + "2".repeat(64);

  @Test
  void anEntryWithACanaryCarriesItsUriDigestAndWeight() throws Exception {
    String content =
        AdapterListBuilder.content(
            List.of(
                new AdapterListBuilder.Entry(
                    "support-bot",
                    "s3://m/support-v1",
                    V1,
                    new AdapterListBuilder.Canary("s3://m/support-v2", V2, 20))));

    JsonNode entry = new ObjectMapper().readTree(content).path("adapters").path(0);
    assertThat(entry.path("name").asText()).isEqualTo("support-bot");
    assertThat(entry.path("manifestDigest").asText()).isEqualTo(V1);
    assertThat(entry.at("/canary/uri").asText()).isEqualTo("s3://m/support-v2");
    assertThat(entry.at("/canary/manifestDigest").asText()).isEqualTo(V2);
    assertThat(entry.at("/canary/weight").asInt()).isEqualTo(20);
  }

  @Test
  void anEntryWithoutACanaryHasNoCanaryField() throws Exception {
    String content =
        AdapterListBuilder.content(
            List.of(new AdapterListBuilder.Entry("support-bot", "s3://m/support-v1", V1)));

    assertThat(new ObjectMapper().readTree(content).path("adapters").path(0).has("canary"))
        .isFalse();
  }

  @Test
  void aWeightOutsideZeroToAHundredIsRefused() {
    assertThatThrownBy(() -> new AdapterListBuilder.Canary("s3://m/x", V2, 120))
        .hasMessage("a canary weight is 0 to 100, not 120");
  }
}
