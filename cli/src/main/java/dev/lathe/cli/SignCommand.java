package dev.lathe.cli;

import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.ModelSigningStatement;
import dev.lathe.artifact.signing.SignedStatement;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lathe sign}: signs a model directory, in place or while publishing it to storage. */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign a model directory (writes DIR/model.sig) or publish it signed (--to).",
      "DIR/model.sig is an OpenSSF model-signing bundle: `model_signing verify key DIR"
          + " --signature DIR/model.sig --public_key PUB` accepts it. With --to, the files are"
          + " uploaded to s3://BUCKET/PREFIX or a directory and signed there, signature last."
    })
final class SignCommand implements Callable<Integer> {

  /** A daemon thread, so a failure to read the key ends the process without waiting for it. */
  private static final Executor HASHING_THREAD =
      task -> {
        Thread thread = new Thread(task, "lathe-sign-hashing");
        thread.setDaemon(true);
        thread.start();
      };

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      description = "The model directory (Hugging Face or PEFT layout).")
  Path directory;

  @Option(names = "--key", required = true, description = "The private key (PEM).")
  Path key;

  @Option(
      names = "--name",
      description = "The model's name in the statement (default: the directory's name).")
  String name;

  @Option(
      names = "--shard-size",
      description =
          "Hash in shards of this many bytes (parallel within large files) instead of per file.")
  Long shardSize;

  @Option(
      names = "--to",
      paramLabel = "URI",
      description = "Publish to s3://BUCKET/PREFIX or a directory instead of signing in place.")
  String destination;

  @Mixin Locations locations;

  @Override
  public Integer call() throws Exception {
    String modelName = name != null ? name : directory.toAbsolutePath().getFileName().toString();
    ModelHasher hasher = shardSize == null ? ModelHasher.files() : ModelHasher.shards(shardSize);
    if (destination == null) {
      return signInPlace(modelName, hasher);
    }
    KeyPair pair = SigningKeys.readKeyPair(Files.readString(key));
    ArtifactStore store = locations.open(destination);
    try {
      ArtifactPublisher.Published published =
          new ArtifactPublisher(store)
              .publish(directory, modelName, "", hasher, pair, Optional.empty());
      spec.commandLine()
          .getOut()
          .println(
              (published.alreadyPublished() ? "already published " : "published ")
                  + published.uri()
                  + " "
                  + published.manifestDigest());
    } finally {
      Locations.close(store);
    }
    return ExitCodes.OK;
  }

  /**
   * Hashes while the key is read: hashing keeps every core busy from the first millisecond, and
   * reading the key (the security providers' classes, the first signature) is start-up work that
   * would otherwise come before it.
   */
  private int signInPlace(String modelName, ModelHasher hasher) throws Exception {
    CompletableFuture<Manifest> hashing =
        CompletableFuture.supplyAsync(
            () -> hasher.hash(directory, ArtifactLayout.NOT_MODEL_FILES), HASHING_THREAD);
    KeyPair pair = SigningKeys.readKeyPair(Files.readString(key));
    Manifest manifest;
    try {
      manifest = hashing.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    Path signature = directory.resolve(ArtifactLayout.SIGNATURE);
    Files.write(
        signature, SignedStatement.sign(ModelSigningStatement.of(modelName, manifest), pair));
    spec.commandLine()
        .getOut()
        .println(
            "signed "
                + manifest.resources().size()
                + " resources, "
                + manifest.digestString()
                + " -> "
                + signature);
    return ExitCodes.OK;
  }
}
