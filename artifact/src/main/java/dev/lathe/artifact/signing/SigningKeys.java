package dev.lathe.artifact.signing;

import dev.lathe.artifact.ArtifactException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.HexFormat;

/** Generates signing keys, reads and writes them as PEM, and names them by key id. */
public final class SigningKeys {

  private SigningKeys() {}

  public static KeyPair generate(KeyAlgorithm algorithm) {
    return BouncyCastle.generate(algorithm);
  }

  /** The algorithm a key signs with; fails for key types Lathe does not sign with. */
  public static KeyAlgorithm algorithmOf(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return switch (bits) {
        case 256 -> KeyAlgorithm.ECDSA_P256;
        case 384 -> KeyAlgorithm.ECDSA_P384;
        default -> throw new ArtifactException("unsupported EC key size: " + bits + " bits");
      };
    }
    String algorithm = key.getAlgorithm().toUpperCase();
    if (algorithm.contains("ML-DSA") || algorithm.contains("MLDSA")) {
      return KeyAlgorithm.ML_DSA_65;
    }
    if (algorithm.equals("ED25519") || algorithm.equals("EDDSA")) {
      return KeyAlgorithm.ED25519;
    }
    throw new ArtifactException("unsupported key type: " + key.getAlgorithm());
  }

  /**
   * The PEM of a public key exactly as openssl writes it (SubjectPublicKeyInfo, 64-character lines,
   * a final newline): model-signing's key hint is the SHA-256 of these bytes.
   */
  public static String publicKeyPem(PublicKey key) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  /** A private key as unencrypted PKCS#8 PEM. */
  public static String privateKeyPem(PrivateKey key) {
    return BouncyCastle.privateKeyPem(key);
  }

  /**
   * The key id: lowercase hex SHA-256 of the public key's PEM, the value model-signing puts in a
   * bundle's verificationMaterial.publicKey.hint.
   */
  public static String keyId(PublicKey key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(publicKeyPem(key).getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a PEM public key: EC and Ed25519 with the JDK's providers, anything else (ML-DSA, an
   * unusual encoding) with Bouncy Castle.
   */
  public static PublicKey readPublicKey(String pem) {
    return JdkKeys.readPublicKey(pem).orElseGet(() -> BouncyCastle.readPublicKey(pem));
  }

  /**
   * Reads a PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM private key with its public half:
   * a PKCS#8 EC key that carries its public point with the JDK's providers, anything else with
   * Bouncy Castle.
   */
  public static KeyPair readKeyPair(String pem) {
    return JdkKeys.readKeyPair(pem).orElseGet(() -> BouncyCastle.readKeyPair(pem));
  }
}
