package dev.lathe.artifact.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

class S3CredentialsTest {

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void secretDataWithBothKeysGivesThoseCredentialsAndASessionTokenWhenPresent() {
    var credentials =
        S3Credentials.fromSecretData(
                Map.of(
                    "AWS_ACCESS_KEY_ID", b64("AKIA\n"),
                    "AWS_SECRET_ACCESS_KEY", b64("secret"),
                    "AWS_SESSION_TOKEN", b64("token")))
            .orElseThrow()
            .resolveCredentials();

    assertThat(credentials.accessKeyId()).isEqualTo("AKIA");
    assertThat(credentials.secretAccessKey()).isEqualTo("secret");
    assertThat(((AwsSessionCredentials) credentials).sessionToken()).isEqualTo("token");
  }

  @Test
  void secretDataWithoutTheSecretKeyGivesNothing() {
    assertThat(S3Credentials.fromSecretData(Map.of("AWS_ACCESS_KEY_ID", b64("AKIA")))).isEmpty();
  }
}
