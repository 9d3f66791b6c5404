package dev.lathe.artifact.signing;

import dev.lathe.artifact.ArtifactException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Generates signing keys, reads and writes them as PEM, and names them by key id. */
public final class SigningKeys {

  /** Bouncy Castle, for ML-DSA and for reading every PEM flavour. */
  static final Provider BC = new BouncyCastleProvider();

  private SigningKeys() {}

  public static KeyPair generate(KeyAlgorithm algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.keyType(), BC);
      if (algorithm.keyType().equals("EC")) {
        generator.initialize(new ECGenParameterSpec(algorithm.parameters()), new SecureRandom());
      } else if (algorithm == KeyAlgorithm.ML_DSA_65) {
        generator.initialize(
            org.bouncycastle.jcajce.spec.MLDSAParameterSpec.ml_dsa_65, new SecureRandom());
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + algorithm.id() + " key", e);
    }
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
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
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

  public static PublicKey readPublicKey(String pem) {
    Object parsed = parse(pem);
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
      if (parsed instanceof SubjectPublicKeyInfo info) {
        return converter.getPublicKey(info);
      }
      if (parsed instanceof PEMKeyPair pair) {
        return converter.getPublicKey(pair.getPublicKeyInfo());
      }
    } catch (IOException e) {
      throw new ArtifactException("unreadable public key: " + e.getMessage(), e);
    }
    throw new ArtifactException("not a PEM public key (expected BEGIN PUBLIC KEY)");
  }

  /**
   * Reads a PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM private key with its public half.
   */
  public static KeyPair readKeyPair(String pem) {
    Object parsed = parse(pem);
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
    try {
      if (parsed instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair);
      }
      if (parsed instanceof PrivateKeyInfo info) {
        PrivateKey privateKey = converter.getPrivateKey(info);
        return new KeyPair(PublicKeys.derive(privateKey), privateKey);
      }
    } catch (IOException e) {
      throw new ArtifactException("unreadable private key: " + e.getMessage(), e);
    }
    throw new ArtifactException("not a PEM private key (expected BEGIN PRIVATE KEY)");
  }

  private static Object parse(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object parsed = parser.readObject();
      if (parsed == null) {
        throw new ArtifactException("no PEM object found");
      }
      return parsed;
    } catch (IOException e) {
      throw new ArtifactException("unreadable PEM: " + e.getMessage(), e);
    }
  }
}
