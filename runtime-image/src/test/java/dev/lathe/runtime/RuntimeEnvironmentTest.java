package dev.lathe.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.artifact.contract.RuntimeEnvironment;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The runtime reads the runtime contract's names and no others: the pod commands' flags default to
 * exactly the variables the operator sets (RuntimeEnvironment), so a name that moves moves for both
 * sides.
 */
class RuntimeEnvironmentTest {

  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");

  @Test
  void thePodCommandsFlagsDefaultToExactlyTheRuntimeContractsVariables() throws Exception {
    Set<String> read = new TreeSet<>();
    // The flags of fetch-and-verify and serve, with the option groups both mix in.
    for (Class<?> command :
        new Class<?>[] {
          FetchAndVerifyCommand.class, ServeCommand.class, StoreOptions.class, TrustOptions.class
        }) {
      for (Field field : command.getDeclaredFields()) {
        CommandLine.Option option = field.getAnnotation(CommandLine.Option.class);
        if (option != null) {
          Matcher m = ENV.matcher(option.defaultValue());
          while (m.find()) {
            read.add(m.group(1));
          }
        }
      }
    }
    // The termination log is read where a failure is written (TerminationLog), not by a flag.
    read.add(RuntimeEnvironment.TERMINATION_LOG);

    Set<String> contract = new TreeSet<>();
    for (Field field : RuntimeEnvironment.class.getFields()) {
      contract.add((String) field.get(null));
    }
    assertThat(read).isEqualTo(contract);
  }
}
