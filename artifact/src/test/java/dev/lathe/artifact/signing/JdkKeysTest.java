package dev.lathe.artifact.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lathe.artifact.ArtifactException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdkKeysTest {

  private static boolean readByTheJdk(java.security.Key key) {
    return !key.getClass().getName().startsWith("org.bouncycastle.");
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyAlgorithm.class,
      names = {"ECDSA_P256", "ECDSA_P384"})
  void anEcKeyFileLatheWritesIsReadByTheJdkAsTheSameKeyBouncyCastleReads(KeyAlgorithm algorithm) {
    KeyPair generated = SigningKeys.generate(algorithm);
    String pem = SigningKeys.privateKeyPem(generated.getPrivate());

    KeyPair read = SigningKeys.readKeyPair(pem);

    assertThat(readByTheJdk(read.getPrivate())).isTrue();
    assertThat(readByTheJdk(read.getPublic())).isTrue();
    assertThat(SigningKeys.keyId(read.getPublic()))
        .isEqualTo(SigningKeys.keyId(BouncyCastle.readKeyPair(pem).getPublic()))
        .isEqualTo(SigningKeys.keyId(generated.getPublic()));
    assertThat(SigningKeys.algorithmOf(read.getPublic())).isEqualTo(algorithm);
  }

  private static void assertSignedByVerifiesWith(KeyPair signer, java.security.PublicKey key) {
    var statement = JsonNodeFactory.instance.objectNode().put("model", "m");
    assertThat(SignedStatement.verify(SignedStatement.sign(statement, signer), key))
        .isEqualTo(statement);
  }

  @Test
  void aSignatureMadeWithAJdkKeyVerifiesWithTheBouncyCastleKeyAndTheOtherWayRound() {
    KeyPair generated = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    KeyPair jdk = SigningKeys.readKeyPair(SigningKeys.privateKeyPem(generated.getPrivate()));

    assertSignedByVerifiesWith(jdk, generated.getPublic());
    assertSignedByVerifiesWith(generated, jdk.getPublic());
  }

  @Test
  void aPkcs8KeyWithoutItsPublicPointIsLeftToBouncyCastleWhichDerivesIt() throws Exception {
    // The JDK writes PKCS#8 EC keys without the public point.
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair jdkGenerated = generator.generateKeyPair();
    String pem = pem("PRIVATE KEY", jdkGenerated.getPrivate().getEncoded());

    assertThat(JdkKeys.readKeyPair(pem)).isEmpty();
    assertThat(SigningKeys.keyId(SigningKeys.readKeyPair(pem).getPublic()))
        .isEqualTo(SigningKeys.keyId(jdkGenerated.getPublic()));
  }

  @Test
  void aKeyFileWhosePublicPointBelongsToAnotherKeyIsRefused() {
    KeyPair mine = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    KeyPair other = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    byte[] der = mine.getPrivate().getEncoded();
    byte[] myPoint = lastBytes(mine.getPublic().getEncoded(), 65);
    byte[] otherPoint = lastBytes(other.getPublic().getEncoded(), 65);
    int at = indexOf(der, myPoint);
    assertThat(at).as("the public point inside the PKCS#8 file").isPositive();
    System.arraycopy(otherPoint, 0, der, at, otherPoint.length);

    assertThatThrownBy(() -> SigningKeys.readKeyPair(pem("PRIVATE KEY", der)))
        .isInstanceOf(ArtifactException.class)
        .hasMessage("the private key file's public key does not belong to its private key");
  }

  @Test
  void ecAndEd25519PublicKeysAreReadByTheJdkAndMlDsaByBouncyCastle() {
    var p256 = SigningKeys.generate(KeyAlgorithm.ECDSA_P256).getPublic();
    var ed25519 = SigningKeys.generate(KeyAlgorithm.ED25519).getPublic();
    var mlDsa = SigningKeys.generate(KeyAlgorithm.ML_DSA_65).getPublic();

    var readP256 = SigningKeys.readPublicKey(SigningKeys.publicKeyPem(p256));
    var readEd25519 = SigningKeys.readPublicKey(SigningKeys.publicKeyPem(ed25519));
    var readMlDsa = SigningKeys.readPublicKey(SigningKeys.publicKeyPem(mlDsa));

    assertThat(readByTheJdk(readP256)).isTrue();
    assertThat(readByTheJdk(readEd25519)).isTrue();
    assertThat(readByTheJdk(readMlDsa)).isFalse();
    assertThat(SigningKeys.algorithmOf(readEd25519)).isEqualTo(KeyAlgorithm.ED25519);
    assertThat(SigningKeys.keyId(readP256)).isEqualTo(SigningKeys.keyId(p256));
    assertThat(SigningKeys.keyId(readEd25519)).isEqualTo(SigningKeys.keyId(ed25519));
    assertThat(SigningKeys.keyId(readMlDsa)).isEqualTo(SigningKeys.keyId(mlDsa));
  }

  @Test
  void anEd25519SignatureMadeByBouncyCastleVerifiesWithTheKeyTheJdkRead() {
    KeyPair generated = SigningKeys.generate(KeyAlgorithm.ED25519);

    assertSignedByVerifiesWith(
        generated, SigningKeys.readPublicKey(SigningKeys.publicKeyPem(generated.getPublic())));
  }

  @Test
  void brokenPemIsLeftToBouncyCastleWhoseErrorNamesTheProblem() {
    String truncated =
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----";

    assertThat(JdkKeys.readKeyPair(truncated)).isEmpty();
    assertThatThrownBy(() -> SigningKeys.readKeyPair(truncated))
        .isInstanceOf(ArtifactException.class);
    assertThat(JdkKeys.readPublicKey("not a key")).isEmpty();
  }

  @Test
  void derLengthsBeyondTheirContainerAreRefused() {
    byte[] claimsMoreThanItHolds = {0x30, 0x05, 0x02, 0x01, 0x00};
    byte[] longFormLength = {0x04, (byte) 0x81, 0x02, 'h', 'i'};

    assertThatThrownBy(() -> Der.parse(claimsMoreThanItHolds))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("DER element longer than its container");
    assertThat(new String(Der.parse(longFormLength).content(), StandardCharsets.US_ASCII))
        .isEqualTo("hi");
  }

  private static byte[] lastBytes(byte[] bytes, int count) {
    return Arrays.copyOfRange(bytes, bytes.length - count, bytes.length);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
