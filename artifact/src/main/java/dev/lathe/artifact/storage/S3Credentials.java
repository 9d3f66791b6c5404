package dev.lathe.artifact.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
