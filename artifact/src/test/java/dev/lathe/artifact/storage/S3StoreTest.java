package dev.lathe.artifact.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.artifact.verify.VerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 backend against a real S3 server over loopback (s3proxy, signature v4). */
class S3StoreTest {

  private static LoopbackS3 s3;
  private static final KeyPair KEY = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);

  @BeforeAll
  static void startS3() throws Exception {
    s3 = new LoopbackS3();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @Test
  void modelPublishedToS3VerifiesAndATamperedObjectFails(@TempDir Path dir) throws IOException {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(model.resolve("config.json"), "{}");
    byte[] weights = new byte[3_000_000];
    new Random(1).nextBytes(weights);
    Files.write(model.resolve("model.safetensors"), weights);
    try (S3Store store = s3.store("models", "fine-tuned")) {
      new ArtifactPublisher(store)
          .publish(
              model,
              "support-bot",
              "support-bot/v3",
              ModelHasher.shards(1_000_000),
              KEY,
              Optional.empty());
      ArtifactVerifier verifier = new ArtifactVerifier(new TrustPolicy().trust(KEY.getPublic()), 2);

      ArtifactVerifier.Verified verified = verifier.verify(store, "support-bot/v3", "ml-platform");

      assertThat(verified.claim().digestsByName()).hasSize(4);
      assertThat(store.uri("support-bot/v3/model.sig"))
          .isEqualTo("s3://models/fine-tuned/support-bot/v3/model.sig");
      weights[2_500_000] ^= 1;
      Path tampered = Files.write(dir.resolve("tampered"), weights);
      store.upload(tampered, "support-bot/v3/model.safetensors");
      assertThatThrownBy(() -> verifier.verify(store, "support-bot/v3", "ml-platform"))
          .isInstanceOfSatisfying(
              VerificationException.class,
              e -> {
                assertThat(e.failure()).isEqualTo(VerificationException.Failure.DIGEST_MISMATCH);
                assertThat(e.subject()).isEqualTo("model.safetensors:2000000:3000000");
              });
    }
  }

  @Test
  void largeFilesGoUpInPartsAndComeBackWhole(@TempDir Path dir) throws Exception {
    byte[] content = new byte[12 << 20];
    new Random(2).nextBytes(content);
    Path file = Files.write(dir.resolve("big.safetensors"), content);
    try (S3Store store = s3.store("parts", "")) {
      S3Store smallParts =
          new S3Store(store.location(), LoopbackS3.credentials(), 5L << 20, 5L << 20);

      smallParts.upload(file, "big.safetensors");

      assertThat(store.size("big.safetensors")).contains((long) content.length);
      try (InputStream in = store.open("big.safetensors", 0, content.length)) {
        assertThat(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()))
            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
      }
      assertThat(smallParts.uploadsInParts()).isEqualTo(1);
      smallParts.close();
    }
  }

  @Test
  void missingObjectsReadAsAbsentAndListingIsRecursive() throws IOException {
    try (S3Store store = s3.store("listing", "root")) {
      store.write("a/b/c.json", "{}".getBytes());
      store.write("a/d.json", "{}".getBytes());

      assertThat(store.read("nope")).isEmpty();
      assertThat(store.size("nope")).isEmpty();
      assertThat(store.list("a")).containsExactly("a/b/c.json", "a/d.json");
    }
  }

  @Test
  void deadEndpointFailsWithTheUriAndEndpointAfterRetrying() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
    S3Location location =
        S3Location.parse("s3://models/x", Optional.of(endpoint), "us-east-1", true);
    try (S3Store store = new S3Store(location, LoopbackS3.credentials())) {
      assertThatThrownBy(() -> store.read("model.sig"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("s3://models/x/model.sig")
          .hasMessageContaining(endpoint.toString());
    }
  }

  @Test
  void credentialsComeFromAMountedSecretDirectory(@TempDir Path secret) throws IOException {
    Files.writeString(secret.resolve("AWS_ACCESS_KEY_ID"), LoopbackS3.ACCESS_KEY + "\n");
    Files.writeString(secret.resolve("AWS_SECRET_ACCESS_KEY"), LoopbackS3.SECRET_KEY + "\n");
    S3Location location =
        S3Location.parse("s3://mounted/p", Optional.of(s3.endpoint()), "us-east-1", true);
    try (S3Store seeded = s3.store("mounted", "p");
        S3Store store = new S3Store(location, S3Credentials.fromMountedSecretOrDefault(secret))) {
      seeded.write("hello.txt", "hi".getBytes());

      assertThat(store.read("hello.txt"))
          .hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("hi"));
    }
    Files.delete(secret.resolve("AWS_SECRET_ACCESS_KEY"));
    assertThatThrownBy(() -> S3Credentials.fromMountedSecret(secret))
        .hasMessageContaining("has no key AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void wrongCredentialsAreRefusedByTheServerAndReported() throws IOException {
    S3Location location =
        S3Location.parse("s3://models/x", Optional.of(s3.endpoint()), "us-east-1", true);
    try (S3Store seeded = s3.store("models", "x");
        S3Store store =
            new S3Store(
                location,
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        "intruder", "wrong")))) {
      assertThatThrownBy(() -> store.write("model.sig", new byte[] {1}))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot write s3://models/x/model.sig");
    }
  }
}
