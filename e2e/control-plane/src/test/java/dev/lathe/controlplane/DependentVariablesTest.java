package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DependentVariablesTest {

  @Test
  void definedReferencesExpandEscapedAndUndefinedOnesStayAsWritten() {
    Map<String, String> env = Map.of("RANK", "3", "DIR", "/data");
    assertThat(DependentVariables.expand("$(DIR)/rank-$(RANK)", env)).isEqualTo("/data/rank-3");
    assertThat(DependentVariables.expand("$$(RANK) $(MISSING) $", env))
        .isEqualTo("$(RANK) $(MISSING) $");
  }
}
