package dev.lathe.runtime.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveQueriesTest {

  private static Map<String, String> all() {
    Map<String, String> queries = new LinkedHashMap<>();
    for (String name : LiveQueries.NAMES) {
      queries.put(name, "sum(increase(" + name + "[{{window}}]))");
    }
    return queries;
  }

  @Test
  void theWindowPlaceholderIsFilledInEveryQuery() {
    LiveQueries queries = LiveQueries.of("candidate", all()).over("95s");

    assertThat(queries.requests()).isEqualTo("sum(increase(requests[95s]))");
    assertThat(queries.errorRate()).isEqualTo("sum(increase(liveErrorRate[95s]))");
    assertThat(queries.latencyP95Ms()).isEqualTo("sum(increase(liveLatencyP95Ms[95s]))");
    assertThat(queries.ttftSamples()).isEqualTo("sum(increase(ttftSamples[95s]))");
    assertThat(queries.ttftP95Ms()).isEqualTo("sum(increase(liveTtftP95Ms[95s]))");
  }

  @Test
  void aMissingQueryIsRefusedNamingIt() {
    Map<String, String> queries = all();
    queries.remove("ttftSamples");

    assertThatThrownBy(() -> LiveQueries.of("stable", queries))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the stable queries lack [ttftSamples]");
  }

  @Test
  void anUnknownQueryNameIsRefusedListingTheNames() {
    Map<String, String> queries = all();
    queries.put("latencyP99", "x");

    assertThatThrownBy(() -> LiveQueries.of("candidate", queries))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown candidate query [latencyP99]: the names are [requests, liveErrorRate,"
                + " liveLatencyP95Ms, ttftSamples, liveTtftP95Ms]");
  }
}
