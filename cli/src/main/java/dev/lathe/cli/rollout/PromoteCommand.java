package dev.lathe.cli.rollout;

import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code lathe promote md/NAME}: approves the step a ModelDeployment's rollout holds at. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = {
      "Approve the step a ModelDeployment's rollout holds at: a pause without duration, or a",
      "gate that could not decide. Bound to the candidate's digest (the one in status unless",
      "--digest names the one you reviewed): the operator refuses it for any other candidate.",
      "Writes the annotation lathe.dev/promote, never the spec."
    })
public final class PromoteCommand extends RolloutWordCommand {

  @Override
  String say(RolloutAction action, Optional<String> digest) {
    return action.promote(digest);
  }
}
