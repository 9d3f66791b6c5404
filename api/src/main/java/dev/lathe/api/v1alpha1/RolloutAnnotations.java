package dev.lathe.api.v1alpha1;

import java.util.Optional;

/**
 * The annotations through which a person approves or aborts a ModelDeployment's rollout without
 * writing its spec ({@code kubectl lathe promote md/NAME}, {@code kubectl lathe abort md/NAME}).
 * Annotations do not change metadata.generation, and a GitOps tool that applies the spec leaves
 * annotations it did not set alone, so neither drifts from Git.
 *
 * <p>Both are bound to the candidate's verified manifest digest: a value that names another digest
 * (a person looked at one candidate while the spec moved to the next) is refused, with the reason
 * ApprovalRefused on Progressing and an Event.
 */
public final class RolloutAnnotations {

  /**
   * {@value}: {@code <digest>@<step>/pause} approves the pause without duration of step {@code
   * <step>}; {@code <digest>@<step>/gate} lets step {@code <step>} go on after its evaluation gate
   * was inconclusive (or when no gate is installed), the person's decision standing for a pass.
   */
  public static final String PROMOTE = "lathe.dev/promote";

  /** {@value}: {@code <digest>} aborts the rollout of the candidate with that digest. */
  public static final String ABORT = "lathe.dev/abort";

  /** What a {@link #PROMOTE} value approves. */
  public enum Hold {
    /** The pause without duration of a step. */
    pause,
    /** A step whose evaluation gate could not decide. */
    gate
  }

  /**
   * One approval, as {@link #PROMOTE} carries it.
   *
   * @param digest the candidate's manifest digest the approver saw
   * @param step the step approved, from 0
   * @param hold what of that step is approved
   */
  public record Approval(String digest, int step, Hold hold) {

    /** The annotation's value. */
    public String value() {
      return digest + "@" + step + "/" + hold.name();
    }

    /** The approval an annotation value carries, or empty when it is not one. */
    public static Optional<Approval> parse(String value) {
      if (value == null) {
        return Optional.empty();
      }
      int at = value.lastIndexOf('@');
      int slash = value.lastIndexOf('/');
      if (at <= 0 || slash < at) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Approval(
                value.substring(0, at),
                Integer.parseInt(value.substring(at + 1, slash)),
                Hold.valueOf(value.substring(slash + 1))));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  private RolloutAnnotations() {}
}
