package dev.lathe.artifact.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.ArtifactException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/**
 * A DSSE-signed in-toto statement in a Sigstore bundle v0.3 with public-key verification material:
 * the container OpenSSF model-signing reads. The bundle names its key by hint (the key id), and
 * carries no transparency-log entry: trust comes from the verifier's own key list.
 */
public final class SignedStatement {

  public static final String BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> BUNDLE_FIELDS =
      Set.of("mediaType", "verificationMaterial", "dsseEnvelope");

  private SignedStatement() {}

  /** Signs the statement with the key and returns the bundle's JSON bytes. */
  public static byte[] sign(JsonNode statement, KeyPair key) {
    byte[] payload = toBytes(statement);
    KeyAlgorithm algorithm = SigningKeys.algorithmOf(key.getPublic());
    byte[] signature;
    try {
      Signature signer = algorithm.newSignature(key.getPrivate());
      signer.initSign(key.getPrivate());
      signer.update(Dsse.preAuthenticationEncoding(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
      signature = signer.sign();
    } catch (GeneralSecurityException e) {
      throw new ArtifactException("cannot sign with " + algorithm.id() + ": " + e.getMessage(), e);
    }
    ObjectNode bundle = JSON.createObjectNode();
    bundle.put("mediaType", BUNDLE_MEDIA_TYPE);
    ObjectNode material = bundle.putObject("verificationMaterial");
    material.putObject("publicKey").put("hint", SigningKeys.keyId(key.getPublic()));
    material.putArray("tlogEntries");
    ObjectNode envelope = bundle.putObject("dsseEnvelope");
    envelope.put("payload", Base64.getEncoder().encodeToString(payload));
    envelope.put("payloadType", Dsse.IN_TOTO_PAYLOAD_TYPE);
    ArrayNode signatures = envelope.putArray("signatures");
    signatures
        .addObject()
        .put("sig", Base64.getEncoder().encodeToString(signature))
        .put("keyid", "");
    return toBytes(bundle);
  }

  /** The key id a bundle says it was signed with, before anything is checked. */
  public static String keyHint(byte[] bundle) {
    return parseBundle(bundle)
        .path("verificationMaterial")
        .path("publicKey")
        .path("hint")
        .asText("");
  }

  /**
   * Checks the bundle's signature with {@code key} and returns the statement it signs.
   *
   * @throws ArtifactException naming what is wrong: the bundle's shape, the key, or the signature
   */
  /**
   * The statement a bundle carries, read without checking its signature: only for decisions that
   * trust nothing in it (e.g. whether a prefix already holds this very model).
   */
  public static JsonNode unverifiedStatement(byte[] bundleBytes) {
    JsonNode envelope = parseBundle(bundleBytes).path("dsseEnvelope");
    try {
      return JSON.readTree(Base64.getDecoder().decode(envelope.path("payload").asText()));
    } catch (IOException | IllegalArgumentException e) {
      throw new ArtifactException("the signed payload is not base64 JSON: " + e.getMessage());
    }
  }

  public static JsonNode verify(byte[] bundleBytes, PublicKey key) {
    JsonNode bundle = parseBundle(bundleBytes);
    JsonNode envelope = bundle.path("dsseEnvelope");
    if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(envelope.path("payloadType").asText())) {
      throw new ArtifactException(
          "the envelope's payload type is not " + Dsse.IN_TOTO_PAYLOAD_TYPE);
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = Base64.getDecoder().decode(envelope.path("payload").asText());
      signature =
          Base64.getDecoder().decode(envelope.path("signatures").path(0).path("sig").asText());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException("the envelope is not valid base64: " + e.getMessage(), e);
    }
    KeyAlgorithm algorithm = SigningKeys.algorithmOf(key);
    boolean valid;
    try {
      Signature verifier = algorithm.newSignature(key);
      verifier.initVerify(key);
      verifier.update(Dsse.preAuthenticationEncoding(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
      valid = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      valid = false;
    }
    if (!valid) {
      throw new ArtifactException(
          "the signature does not verify with key "
              + SigningKeys.keyId(key)
              + " ("
              + algorithm.id()
              + ")");
    }
    try {
      return JSON.readTree(payload);
    } catch (IOException e) {
      throw new ArtifactException("the signed payload is not JSON: " + e.getMessage());
    }
  }

  private static JsonNode parseBundle(byte[] bytes) {
    JsonNode bundle;
    try {
      bundle = JSON.readTree(bytes);
    } catch (IOException e) {
      // Not chained: a parse error is a verdict on the content, and callers that tell "cannot read
      // the store" from "holds something invalid" by an IOException cause must not see one here.
      throw new ArtifactException(
          "the signature bundle is not JSON: " + e.getMessage().replaceAll("\\s+", " "));
    }
    if (bundle == null || !BUNDLE_MEDIA_TYPE.equals(bundle.path("mediaType").asText())) {
      throw new ArtifactException(
          "not a Sigstore bundle v0.3 (mediaType " + BUNDLE_MEDIA_TYPE + ")");
    }
    for (Iterator<String> names = bundle.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!BUNDLE_FIELDS.contains(name)) {
        throw new ArtifactException("unexpected field in the signature bundle: " + name);
      }
    }
    if (!bundle.path("dsseEnvelope").path("signatures").isArray()
        || bundle.path("dsseEnvelope").path("signatures").isEmpty()) {
      throw new ArtifactException("the signature bundle holds no signature");
    }
    return bundle;
  }

  static byte[] toBytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectMapper json() {
    return JSON;
  }
}
