package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The stored artifact of a ModelVersion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ArtifactStatus {

  @JsonPropertyDescription("uri is the immutable storage prefix holding the model files.")
  private String uri;

  @JsonPropertyDescription(
      "manifestDigest is the sha256 digest over the manifest of every file, sha256:<hex>.")
  private String manifestDigest;

  @JsonPropertyDescription("sizeBytes is the total size of the model files.")
  private Long sizeBytes;

  @JsonPropertyDescription("files is the number of files in the manifest.")
  private Integer files;

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getManifestDigest() {
    return manifestDigest;
  }

  public void setManifestDigest(String manifestDigest) {
    this.manifestDigest = manifestDigest;
  }

  public Long getSizeBytes() {
    return sizeBytes;
  }

  public void setSizeBytes(Long sizeBytes) {
    this.sizeBytes = sizeBytes;
  }

  public Integer getFiles() {
    return files;
  }

  public void setFiles(Integer files) {
    this.files = files;
  }
}
