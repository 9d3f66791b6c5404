package dev.lathe.artifact.signing;

import dev.lathe.artifact.ArtifactException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Everything Lathe does with Bouncy Castle: ML-DSA, key generation and reading every PEM flavour.
 * Kept in one class that loads only when used, because loading Bouncy Castle (a signed jar the JVM
 * verifies, and some 800 provider classes) costs a process about half a CPU-second, which {@code
 * lathe sign} and every runtime pod would otherwise pay to read one P-256 key (see {@link
 * JdkKeys}).
 */
final class BouncyCastle {

  static final Provider PROVIDER = new BouncyCastleProvider();

  private BouncyCastle() {}

  static KeyPair generate(KeyAlgorithm algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.keyType(), PROVIDER);
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

  static String privateKeyPem(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  static PublicKey readPublicKey(String pem) {
    Object parsed = parse(pem);
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(PROVIDER);
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

  static KeyPair readKeyPair(String pem) {
    Object parsed = parse(pem);
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(PROVIDER);
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
