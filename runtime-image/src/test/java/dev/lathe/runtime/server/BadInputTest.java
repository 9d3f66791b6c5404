package dev.lathe.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a hostile or careless client sends, case by case: the status, the OpenAI-shaped error with
 * the parameter it names, and a valid request served right after, so that no bad input costs the
 * next client anything.
 */
class BadInputTest {

  static LocalServer server;

  @BeforeAll
  static void start() {
    // The default queue (64 waiting): what 5 prompts × n 16 can never fit into.
    server = LocalServer.start(8, 64);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * One request and what it must get.
   *
   * @param param the error's param, or null when no field is at fault (or for a 200)
   * @param code the error's code, or null when not checked
   */
  record Case(
      String name,
      String method,
      String path,
      String contentType,
      String body,
      int status,
      String param,
      String code) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String COMPLETIONS = "/v1/completions";
  private static final String CHAT = "/v1/chat/completions";
  private static final String JSON_TYPE = "application/json";

  private static Case completion(String name, String fields, int status, String param) {
    return new Case(
        name,
        "POST",
        COMPLETIONS,
        JSON_TYPE,
        "{\"model\":\"tiny\",\"prompt\":\"Question:\",\"max_tokens\":2" + fields + "}",
        status,
        param,
        null);
  }

  private static Case chat(String name, String messages, String fields, int status, String param) {
    return new Case(
        name,
        "POST",
        CHAT,
        JSON_TYPE,
        "{\"model\":\"tiny\",\"max_tokens\":2,\"messages\":" + messages + fields + "}",
        status,
        param,
        null);
  }

  private static final String HELLO = "[{\"role\":\"user\",\"content\":\"Hello\"}]";

  static Stream<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "a request line of 10 KB",
            "GET",
            "/v1/" + "a".repeat(10_000),
            null,
            null,
            414,
            null,
            "invalid_http_request"));
    // Paths, methods and media types: every layer answers in OpenAI's shape.
    cases.add(
        new Case(
            "a base URL missing /v1",
            "POST",
            "/completions",
            JSON_TYPE,
            "{}",
            404,
            null,
            "unknown_url"));
    cases.add(
        new Case(
            "a random path", "GET", "/wp-admin/index.php", null, null, 404, null, "unknown_url"));
    cases.add(
        new Case(
            "an unknown /v1 path", "GET", "/v1/engines", null, null, 404, null, "unknown_url"));
    cases.add(
        new Case(
            "GET on completions", "GET", COMPLETIONS, null, null, 405, null, "method_not_allowed"));
    cases.add(
        new Case(
            "DELETE on healthz",
            "DELETE",
            "/healthz",
            null,
            null,
            405,
            null,
            "method_not_allowed"));
    cases.add(
        new Case(
            "text/plain, as a web page posts without a preflight",
            "POST",
            COMPLETIONS,
            "text/plain",
            "{\"model\":\"tiny\",\"prompt\":\"Hi\"}",
            415,
            null,
            "unsupported_media_type"));
    cases.add(
        new Case(
            "a form post",
            "POST",
            CHAT,
            "application/x-www-form-urlencoded",
            "model=tiny",
            415,
            null,
            "unsupported_media_type"));
    cases.add(
        new Case(
            "no Content-Type",
            "POST",
            COMPLETIONS,
            null,
            "{\"model\":\"tiny\",\"prompt\":\"Hi\"}",
            415,
            null,
            "unsupported_media_type"));
    cases.add(
        new Case(
            "JSON with a charset",
            "POST",
            COMPLETIONS,
            "application/json; charset=utf-8",
            "{\"model\":\"tiny\",\"prompt\":\"Hi\",\"max_tokens\":2}",
            200,
            null,
            null));
    cases.add(
        new Case(
            "a body over the limit",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":\"tiny\",\"prompt\":\"" + "a".repeat(10 << 20) + "\"}",
            413,
            null,
            "request_too_large"));
    cases.add(
        new Case(
            "a body that is not JSON",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":",
            400,
            null,
            null));
    cases.add(
        new Case(
            "a body that is a JSON array",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "[1,2]",
            400,
            null,
            null));
    cases.add(new Case("an empty body", "POST", COMPLETIONS, JSON_TYPE, "", 400, null, null));
    cases.add(
        new Case(
            "an unknown model",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":\"gpt-4\",\"prompt\":\"Hi\"}",
            404,
            "model",
            "model_not_found"));
    cases.add(
        new Case(
            "no model", "POST", COMPLETIONS, JSON_TYPE, "{\"prompt\":\"Hi\"}", 400, "model", null));

    // Integers out of Java's range are refused, never truncated.
    cases.add(completion("n of 2^32 + 1", ",\"n\":4294967297", 400, "n"));
    cases.add(completion("n of 0", ",\"n\":0", 400, "n"));
    cases.add(completion("n of 2.5", ",\"n\":2.5", 400, "n"));
    cases.add(
        completion("max_tokens of 2^32 + 1", ",\"max_tokens\":4294967297", 400, "max_tokens"));
    cases.add(completion("seed of 2^64", ",\"seed\":18446744073709551616", 400, "seed"));
    cases.add(completion("best_of of 2^32 + 1", ",\"best_of\":4294967297", 400, "best_of"));
    cases.add(
        new Case(
            "a token id of 2^32 + 1",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":\"tiny\",\"prompt\":[4294967297],\"max_tokens\":2}",
            400,
            "prompt",
            null));
    cases.add(
        new Case(
            "a negative token id",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":\"tiny\",\"prompt\":[[1,-1]],\"max_tokens\":2}",
            400,
            "prompt",
            null));

    // Admission by cost: more choices than the queue ever holds is a 400, not a retryable 429.
    cases.add(
        new Case(
            "5 prompts × n 16 on a queue of 64",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":\"tiny\",\"prompt\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"n\":16,\"max_tokens\":2}",
            400,
            "n",
            null));
    cases.add(
        new Case(
            "65 prompts on a queue of 64",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":\"tiny\",\"max_tokens\":2,\"prompt\":[" + "\"a\",".repeat(64) + "\"a\"]}",
            400,
            "prompt",
            null));
    cases.add(
        new Case(
            "a prompt of 2 MiB",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":\"tiny\",\"prompt\":\"" + "lathe ".repeat(350_000) + "\"}",
            400,
            "prompt",
            "context_length_exceeded"));
    cases.add(
        new Case(
            "token ids longer than the context",
            "POST",
            COMPLETIONS,
            JSON_TYPE,
            "{\"model\":\"tiny\",\"prompt\":[" + "5,".repeat(300) + "5]}",
            400,
            "prompt",
            "context_length_exceeded"));
    cases.add(
        chat(
            "a conversation longer than the context",
            "[{\"role\":\"user\",\"content\":\"" + "lathe ".repeat(100_000) + "\"}]",
            "",
            400,
            "messages"));
    cases.add(completion("max_tokens past the context", ",\"max_tokens\":300", 400, "max_tokens"));

    // Served fields with the wrong shape.
    cases.add(
        completion(
            "stream_options as a string",
            ",\"stream\":true,\"stream_options\":\"usage\"",
            400,
            "stream_options"));
    cases.add(
        completion(
            "include_usage as a string",
            ",\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}",
            400,
            "stream_options.include_usage"));
    cases.add(
        completion(
            "an unknown stream option",
            ",\"stream\":true,\"stream_options\":{\"continuous\":true}",
            400,
            "stream_options.continuous"));
    cases.add(completion("temperature as a word", ",\"temperature\":\"hot\"", 400, "temperature"));
    cases.add(completion("stream as a string", ",\"stream\":\"yes\"", 400, "stream"));
    cases.add(completion("an empty stop string", ",\"stop\":\"\"", 400, "stop"));
    cases.add(
        chat(
            "a role that is a number",
            "[{\"role\":1,\"content\":\"Hello\"}]",
            "",
            400,
            "messages[0].role"));
    cases.add(
        chat(
            "a role the template would render as a name",
            "[{\"role\":\"wizard\",\"content\":\"Hello\"}]",
            "",
            400,
            "messages[0].role"));
    cases.add(
        chat(
            "a tool message",
            "[{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"x\"}]",
            "",
            400,
            "messages[0].tool_call_id"));
    cases.add(chat("a message that is a string", "[\"Hello\"]", "", 400, "messages[0]"));
    cases.add(
        chat(
            "an image part",
            "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]",
            "",
            400,
            "messages[0].content"));
    cases.add(chat("no messages", "[]", "", 400, "messages"));

    // One rule for every unsupported feature: refused by name.
    cases.add(completion("logit_bias with a bias", ",\"logit_bias\":{\"1\":5}", 400, "logit_bias"));
    cases.add(
        chat(
            "response_format json_object",
            HELLO,
            ",\"response_format\":{\"type\":\"json_object\"}",
            400,
            "response_format"));
    cases.add(
        chat(
            "tools",
            HELLO,
            ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]",
            400,
            "tools"));
    cases.add(chat("logprobs", HELLO, ",\"logprobs\":true", 400, "logprobs"));
    cases.add(completion("logprobs as a count", ",\"logprobs\":2", 400, "logprobs"));
    cases.add(completion("echo", ",\"echo\":true", 400, "echo"));
    cases.add(completion("best_of 2", ",\"best_of\":2", 400, "best_of"));
    cases.add(completion("suffix", ",\"suffix\":\"end\"", 400, "suffix"));
    cases.add(
        completion("a frequency penalty", ",\"frequency_penalty\":0.5", 400, "frequency_penalty"));
    cases.add(
        chat(
            "audio output",
            HELLO,
            ",\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}",
            400,
            "audio"));
    cases.add(
        chat("reasoning_effort", HELLO, ",\"reasoning_effort\":\"low\"", 400, "reasoning_effort"));
    cases.add(
        completion("a field OpenAI does not document", ",\"temprature\":0", 400, "temprature"));
    cases.add(
        completion(
            "a chat-only field on completions",
            ",\"max_completion_tokens\":2",
            400,
            "max_completion_tokens"));

    // What clients routinely send and asks for nothing different is served.
    cases.add(
        completion(
            "user and zero penalties",
            ",\"user\":\"u-1\",\"frequency_penalty\":0,\"presence_penalty\":0.0",
            200,
            null));
    cases.add(
        completion(
            "an empty logit_bias, best_of 1, echo false",
            ",\"logit_bias\":{},\"best_of\":1,\"echo\":false",
            200,
            null));
    cases.add(
        chat(
            "response_format text, tool_choice none, no tools",
            HELLO,
            ",\"response_format\":{\"type\":\"text\"},\"tool_choice\":\"none\",\"tools\":[],\"store\":false",
            200,
            null));
    cases.add(
        chat(
            "an assistant message echoed back with null fields",
            "[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\",\"tool_calls\":null,\"refusal\":null},{\"role\":\"user\",\"content\":\"Again\",\"name\":\"ada\"}]",
            ",\"logprobs\":null,\"seed\":null",
            200,
            null));
    cases.add(
        chat(
            "text content parts",
            "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]",
            "",
            200,
            null));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachBadInputGetsItsStatusAndParamAndTheNextRequestIsServed(Case c) throws Exception {
    HttpResponse<String> response = server.send(c.method(), c.path(), c.contentType(), c.body());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    JsonNode body = LocalServer.json(response);
    if (c.status() == 200) {
      assertThat(body.path("choices").size()).as(response.body()).isEqualTo(1);
    } else {
      JsonNode error = body.path("error");
      assertThat(error.path("message").asText()).as(response.body()).isNotEmpty();
      assertThat(error.path("type").asText()).isNotEmpty();
      assertThat(error.has("param")).as(response.body()).isTrue();
      if (c.param() == null) {
        assertThat(error.get("param").isNull()).as(response.body()).isTrue();
      } else {
        assertThat(error.path("param").asText()).as(response.body()).isEqualTo(c.param());
      }
      if (c.code() != null) {
        assertThat(error.path("code").asText()).isEqualTo(c.code());
      }
      assertThat(error.path("message").asText().length()).isLessThan(2000);
    }
    if (c.status() == 405) {
      assertThat(response.headers().firstValue("Allow")).isPresent();
    }

    HttpResponse<String> next = server.validCompletion();
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    assertThat(LocalServer.json(next).at("/choices/0/text").isTextual()).isTrue();
  }
}
