package dev.lathe.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * llama.cpp beside Lathe on the same weights (converted to GGUF), threads, prompt and token count:
 * its native server measured over HTTP with SSE by the same client and method as Lathe, and, when
 * its llama-bench is given, its decode speed without a server.
 */
final class LlamaCppBaseline {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What bench.sh gives: llama.cpp's binaries, the conversion command and the GGUF cache. */
  record Setup(Path server, Optional<Path> llamaBench, String convertCommand, Path ggufDir) {}

  private final Setup setup;
  private final int threads;
  private final int maxTokens;

  LlamaCppBaseline(Setup setup, int threads, int maxTokens) {
    this.setup = setup;
    this.threads = threads;
    this.maxTokens = maxTokens;
  }

  /**
   * Serves {@code modelDir} at {@code outtype} with {@code slots} slots and measures 1 and {@code
   * slots} streams of {@code prompt} and the server's resident memory after them, after checking
   * llama.cpp splits it into {@code promptIds} as Lathe does (else the two would not do the same
   * work).
   */
  BenchCommand.Side serve(
      Path modelDir, String outtype, String prompt, int[] promptIds, int slots, int total)
      throws Exception {
    Path gguf = GgufFile.ensure(setup.convertCommand(), modelDir, setup.ggufDir(), outtype);
    int contextPerSlot = 64 * ((promptIds.length + maxTokens + 8 + 63) / 64);
    try (LlamaCppServer server =
        LlamaCppServer.start(setup.server(), gguf, threads, slots, contextPerSlot)) {
      int[] theirs = tokenize(server.baseUrl(), prompt);
      if (!Arrays.equals(theirs, promptIds)) {
        throw new IllegalStateException(
            "llama.cpp splits the prompt into "
                + Arrays.toString(theirs)
                + ", Lathe into "
                + Arrays.toString(promptIds));
      }
      // llama-server reuses a slot's cached prompt prefix by default; Lathe prefills every prompt,
      // so llama.cpp does too here.
      ObjectNode noPromptCache = JSON.createObjectNode().put("cache_prompt", false);
      StreamingProbe probe =
          new StreamingProbe(server.baseUrl(), "bench", prompt, maxTokens, noPromptCache, true);
      BenchCommand.measure(probe, 1, 4);
      BenchCommand.measure(probe, slots, slots);
      BenchCommand.Figures one = BenchCommand.measure(probe, 1, total);
      BenchCommand.Figures eight = BenchCommand.measure(probe, slots, Math.max(total, slots));
      return new BenchCommand.Side(one, eight, server.residentKilobytes());
    }
  }

  /** llama-bench's decode tokens/s at batch 1 (no server, no HTTP), if llama-bench is given. */
  Optional<Double> decodeWithoutServer(Path modelDir) throws Exception {
    if (setup.llamaBench().isEmpty()) {
      return Optional.empty();
    }
    Path gguf = GgufFile.ensure(setup.convertCommand(), modelDir, setup.ggufDir(), "f32");
    Process process =
        new ProcessBuilder(
                setup.llamaBench().get().toString(),
                "-m",
                gguf.toString(),
                "-t",
                Integer.toString(threads),
                "-p",
                "0",
                "-n",
                Integer.toString(maxTokens),
                "-r",
                "5",
                "-o",
                "json")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("llama-bench failed: " + out);
    }
    for (JsonNode run : JSON.readTree(out)) {
      if (run.path("n_gen").asInt() == maxTokens) {
        return Optional.of(run.path("avg_ts").asDouble());
      }
    }
    throw new IllegalStateException("llama-bench printed no decode run: " + out);
  }

  private static int[] tokenize(String baseUrl, String prompt)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/tokenize"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JSON.createObjectNode().put("content", prompt).toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("llama-server /tokenize: HTTP " + response.statusCode());
    }
    JsonNode tokens = JSON.readTree(response.body()).path("tokens");
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokens.get(i).asInt();
    }
    return ids;
  }
}
