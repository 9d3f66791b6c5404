package dev.lathe.trainer;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.contract.ContractViolation;
import dev.lathe.artifact.contract.FetchPlan;
import dev.lathe.artifact.contract.FetchedInputs;
import dev.lathe.artifact.verify.TrustPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * {@code fetch}, the training pod's init container: brings the base model and the datasets named by
 * LATHE_FETCH_PLAN into the pod's volume, verifying a signed base, and records what was fetched, by
 * digest, in the plan's inputs file for the lineage. The trainer starts only if this succeeds.
 */
final class FetchMode {

  private FetchMode() {}

  static int run(Map<String, String> env, PrintStream err) {
    TerminationLog terminationLog = TerminationLog.from(env, err);
    try {
      FetchPlan plan = FetchPlan.fromJson(env.get(TrainerContract.FETCH_PLAN));
      Optional<TrustPolicy> policy =
          plan.baseModel().verify()
              ? Optional.of(TrustedKeys.forNamespace(env, plan.namespace()))
              : Optional.empty();
      FetchedInputs.BaseModel base =
          new BaseModelFetcher(policy, err).fetch(plan.baseModel(), plan.namespace());
      DatasetFetcher datasets = new DatasetFetcher(err);
      FetchedInputs.Input dataset = datasets.fetch(plan.dataset(), "dataset");
      Optional<FetchedInputs.Input> evalDataset =
          plan.evalDataset().map(e -> datasets.fetch(e, "evalDataset"));
      write(Path.of(plan.inputs()), new FetchedInputs(base, dataset, evalDataset));
      return 0;
    } catch (TrainerContract.ContractException | ContractViolation | FetchException e) {
      return terminationLog.fail(e.getMessage());
    } catch (IllegalArgumentException | ArtifactException e) {
      return terminationLog.fail("fetch: " + e.getMessage());
    } catch (IOException e) {
      return terminationLog.fail("fetch: I/O failure: " + e.getMessage());
    }
  }

  private static void write(Path file, FetchedInputs inputs) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, ".inputs-", ".tmp");
    try {
      Files.writeString(temporary, inputs.toJson());
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
