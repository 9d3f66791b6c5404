package dev.lathe.cli.rollout;

import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code lathe abort md/NAME}: ends a ModelDeployment's rollout and sends traffic to stable. */
@Command(
    name = "abort",
    mixinStandardHelpOptions = true,
    description = {
      "Abort a ModelDeployment's rollout: the candidate's traffic goes back to stable at once",
      "and its pods go after scaleDownDelay; it stays Degraded (RolloutAborted) until the spec",
      "names another version. Bound to the candidate's digest like promote. Writes the",
      "annotation lathe.dev/abort, never the spec."
    })
public final class AbortCommand extends RolloutWordCommand {

  @Override
  String say(RolloutAction action, Optional<String> digest) {
    return action.abort(digest);
  }
}
