package dev.lathe.runtime.verify;

import static dev.lathe.artifact.verify.VerificationException.Failure.PROVENANCE_MISMATCH;

import dev.lathe.artifact.verify.VerificationException;

/**
 * An adapter runs only on the exact base it was trained on, which its signed provenance names by
 * digest: weights of another base would load without error and answer nonsense.
 */
public final class AdapterCompatibility {

  private AdapterCompatibility() {}

  public static void requireTrainedOn(VerifiedModel adapter, VerifiedModel base, String what) {
    if (!adapter.isAdapter()) {
      throw new IllegalArgumentException(what + " is not a LoRA adapter (no adapter_config.json)");
    }
    String trainedOn =
        adapter
            .baseModel()
            .map(d -> "sha256:" + d.sha256())
            .orElseThrow(
                () ->
                    new VerificationException(
                        PROVENANCE_MISMATCH,
                        what,
                        "adapter "
                            + what
                            + " has no signed provenance naming its base model: cannot tell"
                            + " whether it runs on "
                            + base.manifestDigest()));
    if (!trainedOn.equals(base.manifestDigest())) {
      throw new VerificationException(
          PROVENANCE_MISMATCH,
          what,
          "adapter "
              + what
              + " was trained on base "
              + trainedOn
              + ", but this server serves "
              + base.manifestDigest());
    }
  }
}
