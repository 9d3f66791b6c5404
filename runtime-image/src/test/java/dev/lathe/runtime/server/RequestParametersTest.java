package dev.lathe.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RequestParametersTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static RequestParameters read(String body) throws Exception {
    return RequestParameters.read(JSON.readTree(body), "max_tokens");
  }

  private static void refused(String body, String param) {
    assertThatThrownBy(() -> read(body))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.body()).contains("\"param\":\"" + param + "\"");
            });
  }

  @Test
  void eachBadParameterIsRefusedByName() {
    refused("{\"prompt\":\"x\"}", "model");
    refused("{\"model\":\"m\",\"max_tokens\":0}", "max_tokens");
    refused("{\"model\":\"m\",\"max_tokens\":1.5}", "max_tokens");
    refused("{\"model\":\"m\",\"temperature\":2.5}", "temperature");
    refused("{\"model\":\"m\",\"top_p\":0}", "top_p");
    refused("{\"model\":\"m\",\"n\":17}", "n");
    refused("{\"model\":\"m\",\"seed\":\"x\"}", "seed");
    refused("{\"model\":\"m\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop");
    refused("{\"model\":\"m\",\"stream\":\"yes\"}", "stream");
    refused("{\"model\":\"m\",\"n\":4294967297}", "n");
    refused("{\"model\":\"m\",\"stream_options\":\"usage\"}", "stream_options");
  }

  @Test
  void validParametersAreRead() throws Exception {
    RequestParameters p =
        read(
            "{\"model\":\"m\",\"max_tokens\":5,\"temperature\":0.7,\"top_p\":0.9,\"seed\":3,"
                + "\"stop\":\"\\n\",\"n\":2,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}");
    assertThat(p.maxTokens()).isEqualTo(5);
    assertThat(p.n()).isEqualTo(2);
    assertThat(p.stop()).containsExactly("\n");
    assertThat(p.includeUsage()).isTrue();
    assertThat(p.seed().getAsLong()).isEqualTo(3);
  }
}
