package dev.lathe.artifact.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Where S3 credentials come from in a pod: a Secret mounted as a directory of files named
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and optionally AWS_SESSION_TOKEN), as a
 * StorageLocation's credentialsSecret is mounted; otherwise the SDK's default chain (environment
 * variables, web identity for IRSA, instance profiles).
 */
public final class S3Credentials {

  static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

  private S3Credentials() {}

  /** Credentials from the mounted Secret directory when it holds them, else the default chain. */
  public static AwsCredentialsProvider fromMountedSecretOrDefault(Path secretDirectory) {
    if (secretDirectory != null && Files.isRegularFile(secretDirectory.resolve(ACCESS_KEY_ID))) {
      return fromMountedSecret(secretDirectory);
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** Credentials read from a mounted Secret; a missing secret key is named in the error. */
  public static AwsCredentialsProvider fromMountedSecret(Path secretDirectory) {
    String accessKey = read(secretDirectory, ACCESS_KEY_ID);
    String secretKey = read(secretDirectory, SECRET_ACCESS_KEY);
    Path token = secretDirectory.resolve(SESSION_TOKEN);
    if (Files.isRegularFile(token)) {
      return StaticCredentialsProvider.create(
          AwsSessionCredentials.create(accessKey, secretKey, read(secretDirectory, SESSION_TOKEN)));
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
  }

  /**
   * Credentials from a Secret's data as the API returns it (base64 values), for a process that
   * reads the Secret instead of mounting it (the operator, the CLI); empty when the Secret lacks
   * the two keys.
   */
  public static Optional<AwsCredentialsProvider> fromSecretData(Map<String, String> base64Data) {
    String access = decode(base64Data.get(ACCESS_KEY_ID));
    String secret = decode(base64Data.get(SECRET_ACCESS_KEY));
    if (access == null || secret == null) {
      return Optional.empty();
    }
    String token = decode(base64Data.get(SESSION_TOKEN));
    return Optional.of(
        StaticCredentialsProvider.create(
            token == null
                ? AwsBasicCredentials.create(access, secret)
                : AwsSessionCredentials.create(access, secret, token)));
  }

  private static String decode(String base64) {
    return base64 == null
        ? null
        : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).strip();
  }

  private static String read(Path directory, String key) {
    Path file = directory.resolve(key);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "the credentials Secret mounted at " + directory + " has no key " + key);
    }
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
