package dev.lathe.artifact.signing;

import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;

/**
 * The signature algorithms Lathe signs with. OpenSSF model-signing verifies the ECDSA ones; ML-DSA
 * (post-quantum) and Ed25519 are verified by Lathe itself.
 */
public enum KeyAlgorithm {
  /** ECDSA on NIST P-256 with SHA-256, DER signatures: the default, verifiable by model-signing. */
  ECDSA_P256("ecdsa-p256-sha256", "EC", "secp256r1", "SHA256withECDSA", true),
  /** ECDSA on NIST P-384 with SHA-384, verifiable by model-signing. */
  ECDSA_P384("ecdsa-p384-sha384", "EC", "secp384r1", "SHA384withECDSA", true),
  /** ML-DSA-65 (FIPS 204), a post-quantum signature. */
  ML_DSA_65("ml-dsa-65", "ML-DSA", "ML-DSA-65", "ML-DSA", false),
  /** Ed25519, for where interoperability with model-signing is not needed. */
  ED25519("ed25519", "Ed25519", null, "Ed25519", false);

  private final String id;
  private final String keyType;
  private final String parameters;
  private final String signatureAlgorithm;
  private final boolean modelSigningCompatible;

  KeyAlgorithm(
      String id,
      String keyType,
      String parameters,
      String signatureAlgorithm,
      boolean modelSigningCompatible) {
    this.id = id;
    this.keyType = keyType;
    this.parameters = parameters;
    this.signatureAlgorithm = signatureAlgorithm;
    this.modelSigningCompatible = modelSigningCompatible;
  }

  /** The name used in statuses and on the command line, e.g. ecdsa-p256-sha256. */
  public String id() {
    return id;
  }

  String keyType() {
    return keyType;
  }

  String parameters() {
    return parameters;
  }

  String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  /**
   * A signature engine for the key: the JDK's for keys the JDK read, Bouncy Castle's for ML-DSA and
   * for keys Bouncy Castle made (each provider takes its own key objects without translating).
   */
  Signature newSignature(Key key) throws NoSuchAlgorithmException {
    // By class name: naming a Bouncy Castle type here would load Bouncy Castle for every key.
    boolean bouncyCastleKey = key.getClass().getName().startsWith("org.bouncycastle.");
    return this == ML_DSA_65 || bouncyCastleKey
        ? Signature.getInstance(signatureAlgorithm, BouncyCastle.PROVIDER)
        : Signature.getInstance(signatureAlgorithm);
  }

  /** Whether OpenSSF model-signing can verify signatures made with this algorithm. */
  public boolean modelSigningCompatible() {
    return modelSigningCompatible;
  }

  public static KeyAlgorithm fromId(String id) {
    for (KeyAlgorithm algorithm : values()) {
      if (algorithm.id.equals(id)) {
        return algorithm;
      }
    }
    throw new IllegalArgumentException("unknown key algorithm: " + id);
  }
}
