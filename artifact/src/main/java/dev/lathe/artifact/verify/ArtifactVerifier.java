package dev.lathe.artifact.verify;

import static dev.lathe.artifact.verify.VerificationException.Failure.BAD_SIGNATURE;
import static dev.lathe.artifact.verify.VerificationException.Failure.DIGEST_MISMATCH;
import static dev.lathe.artifact.verify.VerificationException.Failure.MALFORMED_STATEMENT;
import static dev.lathe.artifact.verify.VerificationException.Failure.MISSING_FILE;
import static dev.lathe.artifact.verify.VerificationException.Failure.PROVENANCE_MISMATCH;
import static dev.lathe.artifact.verify.VerificationException.Failure.UNEXPECTED_FILE;
import static dev.lathe.artifact.verify.VerificationException.Failure.UNSIGNED;
import static dev.lathe.artifact.verify.VerificationException.Failure.UNTRUSTED_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelFiles;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.manifest.Resource;
import dev.lathe.artifact.manifest.Serialization;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.ModelSigningStatement;
import dev.lathe.artifact.signing.ModelSigningStatement.Claim;
import dev.lathe.artifact.signing.SignedStatement;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactLayout;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.storage.StoredModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Verifies an artifact against a trust policy, in the order that fails cheapest first: the
 * signature with a trusted key, then the statement's own consistency, then every file's digest,
 * then that no file is present that the signature does not list, then the provenance's subject.
 * Each failure names the key or the file.
 */
public final class ArtifactVerifier {

  /**
   * What a successful verification established.
   *
   * @param deferredDigests the files left for their reader to hash as it reads them, by name, with
   *     their signed hex SHA-256; empty when every file was hashed here
   */
  public record Verified(
      String keyId,
      KeyAlgorithm algorithm,
      String manifestDigest,
      Claim claim,
      Optional<Provenance> provenance,
      Map<String, String> deferredDigests) {}

  private final TrustPolicy policy;
  private final int threads;

  public ArtifactVerifier(TrustPolicy policy, int threads) {
    this.policy = policy;
    this.threads = threads;
  }

  public ArtifactVerifier(TrustPolicy policy) {
    this(policy, Runtime.getRuntime().availableProcessors());
  }

  /** Verifies the artifact under {@code prefix} of a store, for a resource in {@code namespace}. */
  public Verified verify(ArtifactStore store, String prefix, String namespace) {
    try {
      byte[] bundle =
          store
              .read(ArtifactStore.join(prefix, ArtifactLayout.SIGNATURE))
              .orElseThrow(
                  () ->
                      new VerificationException(
                          UNSIGNED,
                          store.uri(prefix),
                          "no signature at "
                              + store.uri(ArtifactStore.join(prefix, ArtifactLayout.SIGNATURE))
                              + ": not a published artifact (an upload that never finished, or files nobody signed)"));
      Optional<byte[]> provenance =
          store.read(ArtifactStore.join(prefix, ArtifactLayout.PROVENANCE));
      return verify(new StoredModel(store, prefix), bundle, provenance, namespace);
    } catch (IOException e) {
      throw new ArtifactException("cannot read " + store.uri(prefix) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Verifies model files against a model-signing bundle, and the provenance bundle when there is
   * one. {@code namespace} scopes the trust policy; null means unscoped.
   */
  public Verified verify(
      ModelFiles files, byte[] bundle, Optional<byte[]> provenanceBundle, String namespace) {
    return verify(files, bundle, provenanceBundle, namespace, name -> false);
  }

  /**
   * Verifies as {@link #verify(ModelFiles, byte[], Optional, String)} does, except that the signed
   * files {@code deferred} accepts are not hashed here: their digests come back in {@link
   * Verified#deferredDigests()} for the one who reads them next to check as it reads (a loader that
   * hashes the very bytes it keeps), so no byte is read twice. Only a per-file manifest defers; a
   * sharded one is hashed whole here.
   */
  public Verified verify(
      ModelFiles files,
      byte[] bundle,
      Optional<byte[]> provenanceBundle,
      String namespace,
      Predicate<String> deferred) {
    Signed signed = verifySignature(bundle, namespace, files.describe());
    Claim claim = signed.claim();
    TrustPolicy.TrustedKey key = signed.key();

    Map<String, String> deferredDigests = new TreeMap<>();
    if (claim.serialization() == Serialization.FILES) {
      claim
          .digestsByName()
          .forEach(
              (name, digest) -> {
                if (deferred.test(name)) {
                  deferredDigests.put(name, digest);
                }
              });
    }
    Set<String> ignored = new HashSet<>(claim.ignorePaths());
    ignored.addAll(ArtifactLayout.NOT_MODEL_FILES);
    ignored.addAll(deferredDigests.keySet());
    ModelHasher hasher = new ModelHasher(claim.serialization(), claim.shardSize(), threads);
    Manifest actual = hasher.hash(files, ignored);
    compare(claim, actual, deferredDigests.keySet(), files.describe());

    Optional<Provenance> provenance = provenanceBundle.map(b -> provenance(b, claim, namespace));
    return new Verified(
        key.keyId(),
        SigningKeys.algorithmOf(key.key()),
        "sha256:" + claim.rootDigest(),
        claim,
        provenance,
        Map.copyOf(deferredDigests));
  }

  /** A signature checked against the trust policy, before any file is read. */
  public record Signed(TrustPolicy.TrustedKey key, KeyAlgorithm algorithm, Claim claim) {
    public String manifestDigest() {
      return "sha256:" + claim.rootDigest();
    }
  }

  /**
   * Checks only the signature and the statement's shape: cheap, reads no model file. Whoever cannot
   * afford to hash the weights (the operator) checks this and has the digests checked elsewhere.
   */
  public Signed verifySignature(byte[] bundle, String namespace, String where) {
    TrustPolicy.TrustedKey key = trustedKey(keyHint(bundle, ArtifactLayout.SIGNATURE), namespace);
    JsonNode statement = verifiedStatement(bundle, namespace, "");
    try {
      return new Signed(
          key, SigningKeys.algorithmOf(key.key()), ModelSigningStatement.read(statement));
    } catch (ArtifactException e) {
      throw new VerificationException(MALFORMED_STATEMENT, where, e.getMessage());
    }
  }

  /** Checks a provenance bundle's signature and that it describes the signed model. */
  public Provenance verifyProvenance(byte[] bundle, Claim claim, String namespace) {
    return provenance(bundle, claim, namespace);
  }

  /** The statement inside a bundle whose signature a key trusted in the namespace made. */
  private JsonNode verifiedStatement(byte[] bundle, String namespace, String context) {
    String file = context.isEmpty() ? ArtifactLayout.SIGNATURE : ArtifactLayout.PROVENANCE;
    TrustPolicy.TrustedKey key = trustedKey(keyHint(bundle, file), namespace);
    try {
      return SignedStatement.verify(bundle, key.key());
    } catch (ArtifactException e) {
      throw new VerificationException(BAD_SIGNATURE, key.keyId(), context + e.getMessage());
    }
  }

  /**
   * The key a bundle names. This is where a bundle is first parsed, so a truncated, empty or
   * otherwise unparsable {@code file} becomes the verdict it is, naming the file — never a storage
   * error, whatever the JSON parser's exception type.
   */
  private static String keyHint(byte[] bundle, String file) {
    try {
      return SignedStatement.keyHint(bundle);
    } catch (ArtifactException e) {
      throw new VerificationException(MALFORMED_STATEMENT, file, file + ": " + e.getMessage());
    }
  }

  private TrustPolicy.TrustedKey trustedKey(String hint, String namespace) {
    Optional<TrustPolicy.TrustedKey> key = policy.find(hint, namespace);
    if (key.isPresent()) {
      return key.get();
    }
    if (policy.knows(hint)) {
      throw new VerificationException(
          UNTRUSTED_KEY, hint, "key " + hint + " is trusted, but not for namespace " + namespace);
    }
    throw new VerificationException(
        UNTRUSTED_KEY,
        hint,
        "signed by key "
            + (hint.isEmpty() ? "(no key id)" : hint)
            + ", which the trust policy does not hold");
  }

  private static void compare(Claim claim, Manifest actual, Set<String> deferred, String where) {
    Map<String, String> found = new LinkedHashMap<>();
    for (Resource resource : actual.resources()) {
      found.put(resource.name(), resource.hexDigest());
    }
    List<String> missing = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> signed : claim.digestsByName().entrySet()) {
      if (deferred.contains(signed.getKey())) {
        continue;
      }
      String digest = found.remove(signed.getKey());
      if (digest == null) {
        missing.add(signed.getKey());
      } else if (!digest.equals(signed.getValue())) {
        changed.add(signed.getKey());
      }
    }
    if (!changed.isEmpty()) {
      throw new VerificationException(
          DIGEST_MISMATCH,
          changed.get(0),
          "content differs from the signed digest: " + String.join(", ", changed) + " in " + where);
    }
    if (!missing.isEmpty()) {
      throw new VerificationException(
          MISSING_FILE,
          missing.get(0),
          "signed but missing: " + String.join(", ", missing) + " in " + where);
    }
    if (!found.isEmpty()) {
      List<String> extra = List.copyOf(found.keySet());
      throw new VerificationException(
          UNEXPECTED_FILE,
          extra.get(0),
          "present but not signed: " + String.join(", ", extra) + " in " + where);
    }
  }

  private Provenance provenance(byte[] bundle, Claim claim, String namespace) {
    JsonNode statement = verifiedStatement(bundle, namespace, "provenance: ");
    Provenance provenance;
    try {
      provenance = Provenance.fromStatement(statement);
    } catch (ArtifactException e) {
      throw new VerificationException(
          MALFORMED_STATEMENT, ArtifactLayout.PROVENANCE, e.getMessage());
    }
    if (!provenance.modelDigest().equals(claim.rootDigest())) {
      throw new VerificationException(
          PROVENANCE_MISMATCH,
          ArtifactLayout.PROVENANCE,
          "the provenance describes model sha256:"
              + provenance.modelDigest()
              + ", not this one (sha256:"
              + claim.rootDigest()
              + ")");
    }
    return provenance;
  }
}
