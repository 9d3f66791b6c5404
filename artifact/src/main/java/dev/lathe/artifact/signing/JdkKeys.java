package dev.lathe.artifact.signing;

import dev.lathe.artifact.ArtifactException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Reads the PEM keys Lathe and openssl write for the signatures model-signing verifies (PKCS#8 EC
 * private keys that carry their public point; X.509 EC and Ed25519 public keys) with the JDK's own
 * providers. Empty for anything else, which {@link BouncyCastle} then reads: loading it costs a
 * process about half a CPU-second, a third of what hashing 4 GB costs on two cores, and {@code
 * lathe sign} and every runtime pod would pay it to read one P-256 key.
 */
final class JdkKeys {

  /** 1.2.840.10045.2.1, id-ecPublicKey, as DER content. */
  private static final byte[] EC_PUBLIC_KEY = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 2, 1};

  /** 1.3.101.112, id-Ed25519, as DER content. */
  private static final byte[] ED25519 = {0x2b, 0x65, 0x70};

  /** The first byte of an uncompressed EC point (SEC 1, 2.3.3). */
  private static final byte UNCOMPRESSED = 0x04;

  private JdkKeys() {}

  static Optional<PublicKey> readPublicKey(String pem) {
    Optional<byte[]> der = body(pem, "PUBLIC KEY");
    if (der.isEmpty()) {
      return Optional.empty();
    }
    try {
      Der algorithm = Der.parse(der.get()).children().get(0).children().get(0);
      String type;
      if (algorithm.is(Der.OBJECT_IDENTIFIER, EC_PUBLIC_KEY)) {
        type = "EC";
      } else if (algorithm.is(Der.OBJECT_IDENTIFIER, ED25519)) {
        type = "Ed25519";
      } else {
        return Optional.empty();
      }
      return Optional.of(
          KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der.get())));
    } catch (IllegalArgumentException | IndexOutOfBoundsException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * A PKCS#8 EC private key with the public point its ECPrivateKey structure carries (RFC 5915
   * {@code publicKey [1]}); the JDK cannot derive it, so a key without one is left to Bouncy
   * Castle. A public point that does not belong to the private key is refused.
   */
  static Optional<KeyPair> readKeyPair(String pem) {
    Optional<byte[]> der = body(pem, "PRIVATE KEY");
    if (der.isEmpty()) {
      return Optional.empty();
    }
    KeyPair pair;
    try {
      List<Der> info = Der.parse(der.get()).children();
      if (!info.get(1).children().get(0).is(Der.OBJECT_IDENTIFIER, EC_PUBLIC_KEY)
          || info.get(2).tag() != Der.OCTET_STRING) {
        return Optional.empty();
      }
      ECPrivateKey privateKey =
          (ECPrivateKey)
              KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der.get()));
      Optional<Der> point =
          Der.parse(info.get(2).content()).children().stream()
              .filter(field -> field.tag() == Der.explicit(1))
              .findFirst();
      if (point.isEmpty()) {
        return Optional.empty();
      }
      Der bits = Der.parse(point.get().content());
      Optional<PublicKey> publicKey =
          bits.tag() == Der.BIT_STRING
              ? publicKey(bits.content(), privateKey.getParams())
              : Optional.empty();
      if (publicKey.isEmpty()) {
        return Optional.empty();
      }
      pair = new KeyPair(publicKey.get(), privateKey);
    } catch (IllegalArgumentException
        | IndexOutOfBoundsException
        | ClassCastException
        | GeneralSecurityException e) {
      return Optional.empty();
    }
    if (!belongTogether(pair)) {
      throw new ArtifactException(
          "the private key file's public key does not belong to its private key");
    }
    return Optional.of(pair);
  }

  /** An uncompressed point in a BIT STRING's content (a zero unused-bits byte, then 04 X Y). */
  private static Optional<PublicKey> publicKey(byte[] bitString, ECParameterSpec curve)
      throws GeneralSecurityException {
    int size = (curve.getCurve().getField().getFieldSize() + 7) / 8;
    if (bitString.length != 2 + 2 * size || bitString[0] != 0 || bitString[1] != UNCOMPRESSED) {
      return Optional.empty();
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(bitString, 2, 2 + size));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(bitString, 2 + size, 2 + 2 * size));
    return Optional.of(
        KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), curve)));
  }

  private static boolean belongTogether(KeyPair pair) {
    byte[] probe = "lathe key pair check".getBytes(StandardCharsets.US_ASCII);
    try {
      KeyAlgorithm algorithm = SigningKeys.algorithmOf(pair.getPublic());
      Signature signer = algorithm.newSignature(pair.getPrivate());
      signer.initSign(pair.getPrivate());
      signer.update(probe);
      Signature verifier = algorithm.newSignature(pair.getPublic());
      verifier.initVerify(pair.getPublic());
      verifier.update(probe);
      return verifier.verify(signer.sign());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The DER inside a PEM holding exactly one block with this label, or empty. */
  private static Optional<byte[]> body(String pem, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    String text = pem.strip();
    if (!text.startsWith(begin)
        || !text.endsWith(end)
        || text.indexOf("-----BEGIN", begin.length()) >= 0) {
      return Optional.empty();
    }
    String base64 = text.substring(begin.length(), text.length() - end.length());
    try {
      return Optional.of(Base64.getMimeDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
