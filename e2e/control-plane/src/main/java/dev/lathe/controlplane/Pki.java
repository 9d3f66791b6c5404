package dev.lathe.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The throw-away certificates and keys of one local control plane: a CA, the API server's serving
 * certificate for 127.0.0.1, the front-proxy client certificate, and the service-account signing
 * key. ECDSA P-256 throughout: generation is quick and every component accepts it.
 */
final class Pki {

  private static final Duration VALIDITY = Duration.ofDays(7);
  private static final SecureRandom RANDOM = new SecureRandom();

  final Path caCert;
  final Path caKey;
  final Path serverCert;
  final Path serverKey;
  final Path frontProxyCert;
  final Path frontProxyKey;
  final Path serviceAccountKey;
  final Path serviceAccountPublicKey;

  private Pki(Path dir) {
    caCert = dir.resolve("ca.crt");
    caKey = dir.resolve("ca.key");
    serverCert = dir.resolve("apiserver.crt");
    serverKey = dir.resolve("apiserver.key");
    frontProxyCert = dir.resolve("front-proxy-client.crt");
    frontProxyKey = dir.resolve("front-proxy-client.key");
    serviceAccountKey = dir.resolve("sa.key");
    serviceAccountPublicKey = dir.resolve("sa.pub");
  }

  static Pki create(Path dir) {
    try {
      Files.createDirectories(dir);
      Pki pki = new Pki(dir);
      KeyPair ca = newKeyPair();
      X500Name caName = new X500Name("CN=lathe-control-plane-ca");
      X509Certificate caCertificate =
          sign(
              caName,
              caName,
              ca,
              ca,
              builder -> {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(
                        KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
              });
      write(pki.caCert, caCertificate);
      write(pki.caKey, ca.getPrivate());

      KeyPair server = newKeyPair();
      GeneralNames names =
          new GeneralNames(
              List.of(
                      new GeneralName(
                          GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
                      new GeneralName(GeneralName.dNSName, "localhost"),
                      new GeneralName(GeneralName.dNSName, "kubernetes"),
                      new GeneralName(GeneralName.dNSName, "kubernetes.default"),
                      new GeneralName(GeneralName.dNSName, "kubernetes.default.svc"),
                      new GeneralName(GeneralName.dNSName, "kubernetes.default.svc.cluster.local"),
                      new GeneralName(GeneralName.iPAddress, "10.0.0.1"))
                  .toArray(GeneralName[]::new));
      write(
          pki.serverCert,
          leaf("CN=kube-apiserver", server, caName, ca, KeyPurposeId.id_kp_serverAuth, names));
      write(pki.serverKey, server.getPrivate());

      KeyPair proxy = newKeyPair();
      write(
          pki.frontProxyCert,
          leaf("CN=front-proxy-client", proxy, caName, ca, KeyPurposeId.id_kp_clientAuth, null));
      write(pki.frontProxyKey, proxy.getPrivate());

      KeyPair serviceAccounts = newKeyPair();
      write(pki.serviceAccountKey, serviceAccounts.getPrivate());
      write(pki.serviceAccountPublicKey, serviceAccounts.getPublic());
      return pki;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the control plane's certificates", e);
    }
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private static X509Certificate leaf(
      String subject,
      KeyPair keys,
      X500Name issuer,
      KeyPair issuerKeys,
      KeyPurposeId purpose,
      GeneralNames altNames)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    return sign(
        new X500Name(subject),
        issuer,
        keys,
        issuerKeys,
        builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          builder.addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
          builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
          if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
          }
        });
  }

  private static X509Certificate sign(
      X500Name subject, X500Name issuer, KeyPair keys, KeyPair issuerKeys, Extensions extensions)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(127, RANDOM),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(VALIDITY)),
            subject,
            keys.getPublic());
    extensions.add(builder);
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static void write(Path file, Object pemObject) throws IOException {
    // Private keys go out as PKCS#8 ("PRIVATE KEY"): the SEC1 form BC derives from a SunEC key
    // lacks the curve, and Go's parsers then refuse it.
    Object encoded =
        pemObject instanceof PrivateKey key
            ? new JcaPKCS8Generator(key, null).generate()
            : pemObject;
    try (Writer out = Files.newBufferedWriter(file);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(encoded);
    }
  }
}
