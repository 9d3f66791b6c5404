package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.FilesystemStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LatheCommandTest {

  @TempDir Path dir;

  private static LatheRun lathe(String... args) {
    return LatheRun.of(args);
  }

  private Path model(String name, String weights) throws Exception {
    Path model = Files.createDirectories(dir.resolve(name));
    Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\"}");
    Files.writeString(model.resolve("model.safetensors"), weights);
    return model;
  }

  @Test
  void aSubcommandBuiltAloneAnswersAsInTheWholeCommandAndHelpStillListsEverySubcommand() {
    for (String[] args :
        List.of(
            new String[] {"sign", "--help"},
            new String[] {"verify", "--help"},
            new String[] {"sign", "--no-such-option"},
            new String[] {"status", "--help"})) {
      CommandLine alone = LatheCommand.commandLine(args);
      assertThat(alone.getSubcommands()).containsOnlyKeys(args[0]);
      StringWriter aloneOut = new StringWriter();
      StringWriter wholeOut = new StringWriter();
      alone.setOut(new PrintWriter(aloneOut)).setErr(new PrintWriter(aloneOut));
      CommandLine whole = LatheCommand.commandLine();
      whole.setOut(new PrintWriter(wholeOut)).setErr(new PrintWriter(wholeOut));
      assertThat(alone.execute(args)).isEqualTo(whole.execute(args));
      assertThat(aloneOut.toString()).isEqualTo(wholeOut.toString()).isNotEmpty();
    }
    LatheRun help = lathe("--help");
    assertThat(help.exitCode()).isZero();
    for (Class<?> subcommand : LatheCommand.SUBCOMMANDS) {
      String name = subcommand.getAnnotation(CommandLine.Command.class).name();
      assertThat(help.out()).containsPattern("(?m)^ +" + name + " ");
    }
    assertThat(lathe("sing", "x").err()).contains("Did you mean: lathe sign");
  }

  @Test
  void versionIsAnsweredWithoutBuildingAnySubcommand() {
    assertThat(LatheCommand.commandLine("--version").getSubcommands()).isEmpty();
    assertThat(LatheCommand.commandLine("-V").getSubcommands()).isEmpty();
    LatheRun version = lathe("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out().trim()).isEqualTo("lathe 0.1.0");
    // Anything after --version is parsed by the whole command, so a mistake is still reported.
    assertThat(LatheCommand.commandLine("--version", "sign").getSubcommands()).containsKey("sign");
  }

  @Test
  void generatedKeySignsAModelThatVerifiesUntilAByteChanges() throws Exception {
    Path key = dir.resolve("key.pem");
    Path pub = dir.resolve("key.pub");
    LatheRun generated =
        lathe("keys", "generate", "--private-key", key.toString(), "--public-key", pub.toString());
    assertThat(generated.exitCode()).isZero();
    assertThat(generated.out().trim())
        .isEqualTo(lathe("keys", "id", pub.toString()).out().trim())
        .hasSize(64);

    Path model = model("m", "weights");
    assertThat(lathe("sign", model.toString(), "--key", key.toString()).exitCode()).isZero();
    assertThat(model.resolve("model.sig")).exists();

    LatheRun verified = lathe("verify", model.toString(), "-k", pub.toString(), "-o", "json");
    assertThat(verified.exitCode()).as(verified.err()).isZero();
    assertThat(new ObjectMapper().readTree(verified.out()).path("verified").asBoolean()).isTrue();

    Files.writeString(model.resolve("model.safetensors"), "weightz");
    LatheRun tampered = lathe("verify", model.toString(), "-k", pub.toString());
    assertThat(tampered.exitCode()).isEqualTo(1);
    assertThat(tampered.err())
        .contains("content differs from the signed digest: model.safetensors");
  }

  @Test
  void signingWhileHashingStillReportsABadKeyOrAMissingModelAsItsOwnErrorAndWritesNothing()
      throws Exception {
    Path key = dir.resolve("key.pem");
    lathe(
        "keys", "generate", "--private-key", key.toString(), "--public-key", "" + dir.resolve("p"));
    Path model = model("m", "weights");
    Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "hello");

    LatheRun badKey = lathe("sign", model.toString(), "--key", notAKey.toString());
    LatheRun noModel = lathe("sign", dir.resolve("absent").toString(), "--key", key.toString());

    assertThat(badKey.exitCode()).isNotZero();
    assertThat(badKey.err()).startsWith("lathe: ").contains("PEM");
    assertThat(model.resolve("model.sig")).doesNotExist();
    assertThat(noModel.exitCode()).isNotZero();
    assertThat(noModel.err()).contains("not a directory: " + dir.resolve("absent"));
  }

  @Test
  void aTruncatedSignatureIsAVerdictThatExitsOneNamingModelSig() throws Exception {
    Path key = dir.resolve("key.pem");
    Path pub = dir.resolve("key.pub");
    lathe("keys", "generate", "--private-key", key.toString(), "--public-key", pub.toString());
    Path model = model("m", "weights");
    lathe("sign", model.toString(), "--key", key.toString());
    byte[] signature = Files.readAllBytes(model.resolve("model.sig"));
    Files.write(
        model.resolve("model.sig"), java.util.Arrays.copyOf(signature, signature.length / 2));

    LatheRun truncated = lathe("verify", model.toString(), "-k", pub.toString());

    assertThat(truncated.exitCode()).as(truncated.err()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
    assertThat(truncated.err()).contains("model.sig").contains("not JSON");
  }

  @Test
  void untrustedKeyExitsOneAndUsageErrorsExitTwo() throws Exception {
    Path model = model("m", "weights");
    lathe(
        "keys",
        "generate",
        "--private-key",
        dir.resolve("a.pem").toString(),
        "--public-key",
        dir.resolve("a.pub").toString());
    lathe(
        "keys",
        "generate",
        "--private-key",
        dir.resolve("b.pem").toString(),
        "--public-key",
        dir.resolve("b.pub").toString());
    lathe("sign", model.toString(), "--key", dir.resolve("a.pem").toString());

    LatheRun untrusted = lathe("verify", model.toString(), "-k", dir.resolve("b.pub").toString());
    LatheRun usage = lathe("verify", model.toString());
    LatheRun unknownAlgorithm =
        lathe("keys", "generate", "--algorithm", "rsa", "--private-key", "x", "--public-key", "y");

    assertThat(untrusted.exitCode()).isEqualTo(1);
    assertThat(untrusted.err()).contains("which the trust policy does not hold");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(unknownAlgorithm.exitCode()).isEqualTo(2);
  }

  private record Chain(String tuned, ArtifactPublisher.Published base, Path publicKey) {}

  /** A base model and a model fine-tuned from it whose provenance names the base's digest. */
  private Chain signedChain(Optional<String> baseDigest) throws Exception {
    KeyPair key = SigningKeys.generate(dev.lathe.artifact.signing.KeyAlgorithm.ECDSA_P256);
    Path pub =
        Files.writeString(dir.resolve("operator.pub"), SigningKeys.publicKeyPem(key.getPublic()));
    Path storeRoot = dir.resolve("store");
    ArtifactPublisher publisher = new ArtifactPublisher(new FilesystemStore(storeRoot));
    var base =
        publisher.publish(
            model("base", "base weights"),
            "llama",
            "base/llama",
            ModelHasher.files(),
            key,
            Optional.empty());
    var adapterManifest =
        publisher.upload(
            model("adapter", "adapter weights"),
            "support-bot",
            "tuned/support-bot-v3",
            ModelHasher.files());
    Provenance provenance =
        new Provenance(
            "support-bot",
            adapterManifest.digestString().substring(7),
            "https://lathe.dev/operator@0.1.0",
            new Provenance.JobReference("ml-platform", "support-bot-v3", "uid-1", 1),
            "sha256:" + "00".repeat(32),
            null,
            List.of(
                new Provenance.Dependency(
                    Provenance.BASE_MODEL,
                    base.uri(),
                    baseDigest.orElse(base.manifestDigest().substring(7))),
                new Provenance.Dependency(
                    Provenance.DATASET, "s3://datasets/train.jsonl", "ef".repeat(32))),
            Instant.parse("2026-11-25T10:00:00Z"),
            Instant.parse("2026-11-25T11:00:00Z"));
    publisher.sign("tuned/support-bot-v3", key, Optional.of(provenance));
    return new Chain(storeRoot.resolve("tuned/support-bot-v3").toString(), base, pub);
  }

  @Test
  void lineageWalksFromAFineTunedModelToItsBaseInTreeJsonAndDot() throws Exception {
    Chain chain = signedChain(Optional.empty());
    String tuned = chain.tuned();
    Path pub = chain.publicKey();
    var base = chain.base();

    LatheRun tree = lathe("lineage", tuned, "-k", pub.toString());
    LatheRun json = lathe("lineage", tuned, "-k", pub.toString(), "-o", "json");
    LatheRun dot = lathe("lineage", tuned, "-k", pub.toString(), "-o", "dot");

    assertThat(tree.exitCode()).as(tree.err()).isZero();
    assertThat(tree.out())
        .contains("trained by FineTuneJob ml-platform/support-bot-v3 (uid uid-1)")
        .contains("dataset s3://datasets/train.jsonl sha256:" + "ef".repeat(32))
        .contains("└─ " + base.uri())
        .contains("base model (no provenance)");
    JsonNode lineage = new ObjectMapper().readTree(json.out()).path("lineage");
    assertThat(lineage).hasSize(2);
    assertThat(lineage.get(1).path("manifestDigest").asText()).isEqualTo(base.manifestDigest());
    assertThat(dot.out()).startsWith("digraph lineage {").contains("n1 -> n0");
  }

  @Test
  void lineageRefusesAProvenanceWhoseBaseLocationHoldsAnotherModel() throws Exception {
    Chain chain = signedChain(Optional.of("ab".repeat(32)));

    LatheRun run = lathe("lineage", chain.tuned(), "-k", chain.publicKey().toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("names base model sha256:" + "ab".repeat(32))
        .contains("which holds another model");
  }

  @Test
  void signUnderTheLaunchersJitFilesPrintsOnlyItsOwnLine() throws Exception {
    Path key = dir.resolve("key.pem");
    lathe(
        "keys",
        "generate",
        "--private-key",
        key.toString(),
        "--public-key",
        dir.resolve("key.pub").toString());
    Path model = model("m", "weights");
    Path bin = Path.of("bin").toAbsolutePath();

    List<String> jit =
        List.of(
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:CompilerDirectivesFile=" + bin.resolve("sign-jit-directives.json"),
            "-XX:-DisplayVMOutput",
            "-XX:CompileCommandFile=" + bin.resolve("sign-jit-commands"));
    Process process = latheProcess(jit, "sign", model.toString(), "--key", key.toString()).start();
    String output = new String(process.getInputStream().readAllBytes());

    assertThat(process.waitFor()).as(output).isZero();
    // A JIT file the JVM cannot parse, or one that is not quiet, would show up here.
    assertThat(output).matches("signed 2 resources, sha256:[0-9a-f]{64} -> .*model\\.sig\\n");
  }

  @Test
  void theCommandAsAProcessPrintsEverythingBeforeItExits() throws Exception {
    Path key = dir.resolve("key.pem");
    Path pub = dir.resolve("key.pub");
    lathe("keys", "generate", "--private-key", key.toString(), "--public-key", pub.toString());
    Path model = model("m", "weights");
    lathe("sign", model.toString(), "--key", key.toString());

    Process process =
        latheProcess(List.of(), "lineage", model.toString(), "-k", pub.toString()).start();
    String output = new String(process.getInputStream().readAllBytes());

    assertThat(process.waitFor()).as(output).isZero();
    // The tree ends without a newline of its own: it must still reach the terminal.
    assertThat(output).contains(model.toUri().toString().replaceAll("/$", ""));
  }

  /** lathe in a JVM of its own, on this test's class path, with {@code jvmOptions}. */
  private static ProcessBuilder latheProcess(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), LatheCommand.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }
}
