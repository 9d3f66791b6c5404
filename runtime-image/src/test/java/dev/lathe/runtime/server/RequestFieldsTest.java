package dev.lathe.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RequestFieldsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static void check(String body, RequestFields.Endpoint endpoint) throws Exception {
    RequestFields.check(JSON.readTree(body), endpoint);
  }

  @Test
  void aFieldWithAValueThatAsksForAnUnsupportedFeatureIsRefusedByName() {
    assertThatThrownBy(() -> check("{\"logit_bias\":{\"42\":10}}", RequestFields.Endpoint.CHAT))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.param()).isEqualTo("logit_bias");
              assertThat(e.getMessage()).contains("accepted values: {}");
            });
  }

  @Test
  void nullCountsAsAbsentAndNeutralValuesAreAccepted() throws Exception {
    check(
        "{\"model\":\"m\",\"tools\":null,\"logprobs\":false,\"user\":\"u\",\"presence_penalty\":0}",
        RequestFields.Endpoint.CHAT);
  }

  @Test
  void aFieldOfTheOtherEndpointIsUnrecognized() {
    assertThatThrownBy(() -> check("{\"messages\":[]}", RequestFields.Endpoint.COMPLETIONS))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.getMessage()).contains("Unrecognized"));
  }

  @Test
  void theRuntimeDocsListEveryFieldTheServerKnows() throws Exception {
    Path page =
        Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("runtime.md");
    String text = Files.readString(page);
    int start = text.indexOf("## Request fields");
    int end = text.indexOf("## The runtime contract");
    assertThat(start).as("docs/runtime.md has its request fields section").isNotNegative();
    assertThat(end).as("and the runtime contract after it").isGreaterThan(start);
    String section = text.substring(start, end);
    for (String field : RequestFields.RULES.keySet()) {
      assertThat(section).as(field).contains("`" + field + "`");
    }
  }
}
