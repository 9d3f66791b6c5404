package dev.lathe.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoreAddress;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer killed (SIGKILL, as a preempted pod is) after a checkpoint resumes from it on restart
 * and ends exactly where an uninterrupted run ends: no finished step is lost or repeated
 * differently, and what it uploads to the attempt's prefix is that same model, whole.
 */
class ResumeAfterKillTest {

  private static final KeyPair OPERATOR_KEY = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SETTINGS =
      "{\"method\": {\"type\": \"lora\", \"rank\": 4, \"dropout\": 0.1}, \"hyperparameters\": {\"maxSteps\": 300,"
          + " \"batchSize\": 8, \"learningRate\": 0.01, \"checkpointEverySteps\": 10, \"seed\": 5}}";

  @TempDir Path dir;

  private Process start(Map<String, String> env, Path log) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(TrainerFixtures.javaCommand(TrainerMain.class.getName()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    builder.environment().put("OPT_OUT_TRACKING", "true");
    builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    return builder.start();
  }

  private static boolean hasCheckpoint(Path checkpoints) throws Exception {
    if (!Files.isDirectory(checkpoints)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(checkpoints)) {
      return entries.anyMatch(p -> p.getFileName().toString().startsWith("step-"));
    }
  }

  private static double finalLoss(Path output) throws Exception {
    return JSON.readTree(output.resolve("lathe/result.json").toFile()).path("trainLoss").asDouble();
  }

  @Test
  void killedRunResumesFromItsCheckpointAndReachesTheSameFinalLoss() throws Exception {
    Path base = TrainerFixtures.smallBase(dir.resolve("models"));
    Path data = TrainerFixtures.repeatDataset(dir.resolve("train.jsonl"), 40);

    Path straight = dir.resolve("straight");
    Process uninterrupted =
        start(
            TrainerFixtures.environment(base, data, straight, SETTINGS),
            dir.resolve("straight.log"));
    assertThat(uninterrupted.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(uninterrupted.exitValue())
        .as(Files.readString(dir.resolve("straight.log")))
        .isZero();

    Path resumed = dir.resolve("resumed");
    Map<String, String> env = TrainerFixtures.environment(base, data, resumed, SETTINGS);
    StoreAddress output =
        StoreAddress.directory(
            "pvc://models/attempt-1", Files.createDirectories(dir.resolve("store")));
    env.put(TrainerContract.OUTPUT_STORAGE, output.toJson());
    Process first = start(env, dir.resolve("first.log"));
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (!hasCheckpoint(dir.resolve("resumed-checkpoints"))
        && first.isAlive()
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(5);
    }
    first.destroyForcibly().waitFor();
    assertThat(resumed.resolve("lathe/result.json")).as("killed before it finished").doesNotExist();

    Process second = start(env, dir.resolve("second.log"));
    assertThat(second.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String secondLog = Files.readString(dir.resolve("second.log"));
    assertThat(second.exitValue()).as(secondLog).isZero();
    assertThat(secondLog).containsPattern("resuming after step [1-9][0-9]*0 ");
    assertThat(finalLoss(resumed)).isEqualTo(finalLoss(straight));

    // What the restarted pod uploaded is whole: it is the uninterrupted run's model, and it
    // verifies once signed.
    ArtifactStore store = output.open();
    new ArtifactPublisher(store).sign("", OPERATOR_KEY, Optional.empty());
    ArtifactVerifier.Verified verified =
        new ArtifactVerifier(new TrustPolicy().trust(OPERATOR_KEY.getPublic()))
            .verify(store, "", "team-a");
    assertThat(verified.manifestDigest())
        .isEqualTo(
            ModelHasher.files().hash(straight, ArtifactLayout.NOT_MODEL_FILES).digestString());
  }
}
