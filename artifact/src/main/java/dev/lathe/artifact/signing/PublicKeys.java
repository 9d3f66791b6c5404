package dev.lathe.artifact.signing;

import dev.lathe.artifact.ArtifactException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.bouncycastle.jcajce.interfaces.EdDSAPrivateKey;
import org.bouncycastle.jcajce.interfaces.MLDSAPrivateKey;
import org.bouncycastle.jce.interfaces.ECPrivateKey;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/** Derives the public half of a private key, for PKCS#8 files that carry only the private one. */
final class PublicKeys {

  private PublicKeys() {}

  static PublicKey derive(PrivateKey key) {
    try {
      if (key instanceof ECPrivateKey ec) {
        ECParameterSpec curve = ec.getParameters();
        return KeyFactory.getInstance("EC", BouncyCastle.PROVIDER)
            .generatePublic(
                new ECPublicKeySpec(curve.getG().multiply(ec.getD()).normalize(), curve));
      }
      if (key instanceof MLDSAPrivateKey mldsa) {
        return mldsa.getPublicKey();
      }
      if (key instanceof EdDSAPrivateKey eddsa) {
        return eddsa.getPublicKey();
      }
    } catch (GeneralSecurityException e) {
      throw new ArtifactException("cannot derive the public key: " + e.getMessage(), e);
    }
    throw new ArtifactException("unsupported private key type: " + key.getAlgorithm());
  }
}
