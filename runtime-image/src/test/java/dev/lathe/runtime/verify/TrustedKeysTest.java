package dev.lathe.runtime.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedKeysTest {

  @Test
  void theOperatorsBundleAndAMountedDirectoryTrustTheSameKeys(@TempDir Path dir) throws Exception {
    var first = SigningKeys.generate(KeyAlgorithm.ECDSA_P256).getPublic();
    var second = SigningKeys.generate(KeyAlgorithm.ECDSA_P384).getPublic();
    Files.writeString(dir.resolve("first.pem"), SigningKeys.publicKeyPem(first));
    Files.writeString(dir.resolve("second.pem"), SigningKeys.publicKeyPem(second));

    var fromBundle =
        TrustedKeys.fromBundle(SigningKeys.publicKeyPem(first) + SigningKeys.publicKeyPem(second));
    var fromDirectory = TrustedKeys.fromDirectory(dir);

    for (var policy : java.util.List.of(fromBundle, fromDirectory)) {
      assertThat(policy.find(SigningKeys.keyId(first), "team-a")).isPresent();
      assertThat(policy.find(SigningKeys.keyId(second), "team-a")).isPresent();
    }
  }

  @Test
  void aBundleWithoutAKeyIsRefusedRatherThanTrustingNothing() {
    assertThatThrownBy(() -> TrustedKeys.fromBundle("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LATHE_TRUSTED_KEYS holds no PEM public key (BEGIN PUBLIC KEY)");
  }
}
