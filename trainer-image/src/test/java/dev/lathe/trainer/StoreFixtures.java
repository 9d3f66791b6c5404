package dev.lathe.trainer;

import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.LoopbackS3;
import dev.lathe.artifact.storage.StoreAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/** Stores, keys and small signed models for the fetch, train-upload and verify tests. */
final class StoreFixtures {

  static final String NAMESPACE = "team-a";
  static final KeyPair OPERATOR_KEY = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
  static final KeyPair OTHER_KEY = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);

  private StoreFixtures() {}

  static String pem(KeyPair key) {
    return SigningKeys.publicKeyPem(key.getPublic());
  }

  /** A directory holding the loopback server's keys, as a credentials Secret is mounted. */
  static Path credentials(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("AWS_ACCESS_KEY_ID"), LoopbackS3.ACCESS_KEY);
    Files.writeString(dir.resolve("AWS_SECRET_ACCESS_KEY"), LoopbackS3.SECRET_KEY + "\n");
    return dir;
  }

  /** The address of s3://BUCKET/PREFIX on the loopback server, creating the bucket. */
  static StoreAddress s3(LoopbackS3 s3, String bucket, String prefix, Path credentials) {
    StoreAddress.close(s3.store(bucket, ""));
    return StoreAddress.s3(
        "s3://" + bucket + "/" + prefix,
        s3.endpoint().toString(),
        null,
        true,
        credentials.toString());
  }

  /** A small model in the Hugging Face layout; not loadable, but every byte is signed. */
  static Path fakeModel(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("tokenizer"));
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"}");
    Files.writeString(dir.resolve("tokenizer/tokenizer.json"), "{\"version\": \"1.0\"}");
    Files.write(dir.resolve("model.safetensors"), new byte[4096]);
    return dir;
  }

  /** Uploads and signs {@code model} at {@code address} with the key; returns the digest. */
  static String publish(Path model, StoreAddress address, KeyPair key) throws IOException {
    ArtifactStore store = address.open();
    try {
      return new ArtifactPublisher(store)
          .publish(model, "base", "", ModelHasher.files(), key, Optional.empty())
          .manifestDigest();
    } finally {
      StoreAddress.close(store);
    }
  }

  static void write(StoreAddress address, String key, String content) throws IOException {
    ArtifactStore store = address.open();
    try {
      store.write(key, content.getBytes(StandardCharsets.UTF_8));
    } finally {
      StoreAddress.close(store);
    }
  }

  /** Flips one bit of a stored object. */
  static void flipAByte(StoreAddress address, String key) throws IOException {
    ArtifactStore store = address.open();
    try {
      byte[] content = store.read(key).orElseThrow();
      content[content.length / 2] ^= 1;
      store.write(key, content);
    } finally {
      StoreAddress.close(store);
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** A PrintStream whose text a test can read. */
  static final class Captured {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
