package dev.lathe.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.ArtifactException;
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

  private static final ObjectMapper JSON = new ObjectMapper();

  private FetchMode() {}

  static int run(Map<String, String> env, PrintStream err) {
    TerminationLog terminationLog = TerminationLog.from(env, err);
    try {
      FetchPlan plan = FetchPlan.fromEnvironment(env);
      Optional<TrustPolicy> policy =
          plan.baseModel().verify()
              ? Optional.of(TrustedKeys.forNamespace(env, plan.namespace()))
              : Optional.empty();
      ObjectNode inputs = JSON.createObjectNode();
      BaseModelFetcher.FetchedBase base =
          new BaseModelFetcher(policy, err).fetch(plan.baseModel(), plan.namespace());
      ObjectNode baseJson = inputs.putObject("baseModel");
      baseJson.put("uri", base.uri());
      baseJson.put("digest", base.digest());
      baseJson.put("verified", base.verified());
      base.keyId().ifPresent(id -> baseJson.put("keyId", id));
      DatasetFetcher datasets = new DatasetFetcher(err);
      put(inputs, "dataset", datasets.fetch(plan.dataset(), "dataset"));
      if (plan.evalDataset().isPresent()) {
        put(inputs, "evalDataset", datasets.fetch(plan.evalDataset().get(), "evalDataset"));
      }
      write(plan.inputs(), inputs);
      return 0;
    } catch (TrainerContract.ContractException | FetchException e) {
      return terminationLog.fail(e.getMessage());
    } catch (IllegalArgumentException | ArtifactException e) {
      return terminationLog.fail("fetch: " + e.getMessage());
    } catch (IOException e) {
      return terminationLog.fail("fetch: I/O failure: " + e.getMessage());
    }
  }

  private static void put(ObjectNode inputs, String name, DatasetFetcher.FetchedDataset dataset) {
    inputs.putObject(name).put("uri", dataset.uri()).put("digest", dataset.digest());
  }

  private static void write(Path file, ObjectNode inputs) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, ".inputs-", ".tmp");
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), inputs);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
