package dev.lathe.artifact.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.artifact.ArtifactException;
import org.junit.jupiter.api.Test;

class PublicKeyBundleTest {

  @Test
  void concatenatedKeysOfDifferentAlgorithmsAreReadInOrder() {
    var p256 = SigningKeys.generate(KeyAlgorithm.ECDSA_P256).getPublic();
    var ed25519 = SigningKeys.generate(KeyAlgorithm.ED25519).getPublic();
    String bundle =
        SigningKeys.publicKeyPem(p256)
            + "\n# a comment between keys\n"
            + SigningKeys.publicKeyPem(ed25519);

    assertThat(PublicKeyBundle.parse(bundle))
        .extracting(SigningKeys::keyId)
        .containsExactly(SigningKeys.keyId(p256), SigningKeys.keyId(ed25519));
  }

  @Test
  void aBundleWithoutKeysOrWithABrokenOneIsRefusedNamingWhich() {
    assertThatThrownBy(() -> PublicKeyBundle.parse("nothing here"))
        .isInstanceOf(ArtifactException.class)
        .hasMessage("holds no PEM public key (BEGIN PUBLIC KEY)");
    String good =
        SigningKeys.publicKeyPem(SigningKeys.generate(KeyAlgorithm.ECDSA_P256).getPublic());
    assertThatThrownBy(
            () ->
                PublicKeyBundle.parse(
                    good + "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
        .hasMessageStartingWith("key 2 is unreadable");
  }
}
