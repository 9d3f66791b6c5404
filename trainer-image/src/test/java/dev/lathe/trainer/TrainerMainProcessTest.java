package dev.lathe.trainer;

import static dev.lathe.trainer.StoreFixtures.NAMESPACE;
import static dev.lathe.trainer.StoreFixtures.OPERATOR_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.storage.StoreAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image's real entry point in a child JVM: the exit status a kubelet sees, per mode. */
class TrainerMainProcessTest {

  @TempDir Path dir;

  private int run(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(TrainerFixtures.javaCommand(TrainerMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile());
    builder.environment().putAll(env);
    builder.environment().put("OPT_OUT_TRACKING", "true");
    Process process = builder.start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return process.exitValue();
  }

  @Test
  void verifyExitsZeroForASignedArtifactAndOneOnceAFileIsTamperedWith() throws Exception {
    StoreAddress address =
        StoreAddress.directory("pvc://models/v1", Files.createDirectories(dir.resolve("store")));
    StoreFixtures.publish(StoreFixtures.fakeModel(dir.resolve("model")), address, OPERATOR_KEY);
    ObjectNode plan = new ObjectMapper().createObjectNode();
    plan.put("namespace", NAMESPACE);
    plan.set("address", new ObjectMapper().valueToTree(address));
    Path terminationLog = dir.resolve("termination-log");
    Map<String, String> env =
        Map.of(
            TrainerContract.VERIFY_PLAN, plan.toString(),
            TrainerContract.TRUSTED_KEYS, StoreFixtures.pem(OPERATOR_KEY),
            TrainerContract.TERMINATION_LOG, terminationLog.toString());

    assertThat(run(env, "verify")).as(Files.readString(dir.resolve("child.log"))).isZero();
    assertThat(Files.readString(terminationLog)).startsWith("{\"manifestDigest\":\"sha256:");

    StoreFixtures.flipAByte(address, "config.json");
    assertThat(run(env, "verify")).isEqualTo(1);
    assertThat(Files.readString(terminationLog))
        .startsWith("{\"failure\":\"DIGEST_MISMATCH\",\"subject\":\"config.json\"");
  }

  @Test
  void anUnknownModeExitsOneNamingTheModes() throws Exception {
    Path terminationLog = dir.resolve("termination-log");

    int status = run(Map.of(TrainerContract.TERMINATION_LOG, terminationLog.toString()), "serve");

    assertThat(status).isEqualTo(1);
    assertThat(terminationLog)
        .hasContent("unknown mode serve: the trainer runs fetch, train, verify or bench");
  }
}
