package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The signature over a ModelVersion's manifest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SignatureStatus {

  @JsonPropertyDescription("keyId identifies the signing key (a digest of its public key).")
  private String keyId;

  @JsonPropertyDescription("algorithm is the signature algorithm, for example ecdsa-p256-sha256.")
  private String algorithm;

  @JsonPropertyDescription(
      "envelopeUri is where the Sigstore bundle holding the DSSE envelope over the manifest is.")
  private String envelopeUri;

  @JsonPropertyDescription(
      "provenanceUri is where the signed SLSA provenance statement (the lineage) is.")
  private String provenanceUri;

  @JsonPropertyDescription("signedAt is when the operator signed (RFC 3339).")
  private String signedAt;

  public String getKeyId() {
    return keyId;
  }

  public void setKeyId(String keyId) {
    this.keyId = keyId;
  }

  public String getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(String algorithm) {
    this.algorithm = algorithm;
  }

  public String getEnvelopeUri() {
    return envelopeUri;
  }

  public void setEnvelopeUri(String envelopeUri) {
    this.envelopeUri = envelopeUri;
  }

  public String getProvenanceUri() {
    return provenanceUri;
  }

  public void setProvenanceUri(String provenanceUri) {
    this.provenanceUri = provenanceUri;
  }

  public String getSignedAt() {
    return signedAt;
  }

  public void setSignedAt(String signedAt) {
    this.signedAt = signedAt;
  }
}
