package dev.lathe.trainer;

import dev.lathe.artifact.contract.FetchedInputs;
import dev.lathe.artifact.contract.TrainingResult;
import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Puts a finished run into the attempt's prefix: result.json and the fetched inputs for the
 * operator, then the model files, then the unsigned statement, last, which tells the operator the
 * upload is complete. Running it again (a pod retried after it was preempted) overwrites the same
 * keys and ends just as consistent; a prefix that is already signed is left untouched, as published
 * paths are immutable.
 */
final class OutputUploader {

  static final String RESULT = TrainingResult.KEY;
  static final String INPUTS = FetchedInputs.KEY;

  private final ArtifactStore store;
  private final PrintStream log;

  OutputUploader(ArtifactStore store, PrintStream log) {
    this.store = store;
    this.log = log;
  }

  Manifest upload(Path outputDirectory, String modelName, Optional<Path> inputsFile)
      throws IOException {
    if (store.size(ArtifactLayout.SIGNATURE).isEmpty()) {
      store.write(RESULT, Files.readAllBytes(outputDirectory.resolve(RESULT)));
      if (inputsFile.isPresent()) {
        store.write(INPUTS, Files.readAllBytes(inputsFile.get()));
      }
    }
    // No-op when the prefix already holds this very model, signed; refused if it holds another.
    Manifest manifest =
        new ArtifactPublisher(store).upload(outputDirectory, modelName, "", ModelHasher.files());
    log.printf(
        "trainer: uploaded %s (%d files) to %s%n",
        manifest.digestString(), manifest.files().size(), store.uri(""));
    return manifest;
  }
}
