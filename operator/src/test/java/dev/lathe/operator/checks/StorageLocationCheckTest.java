package dev.lathe.operator.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.StorageLocation;
import dev.lathe.operator.Fixtures;
import dev.lathe.operator.references.TestingReferenceLookup;
import dev.lathe.operator.status.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A location is accepted only when it is the namespace's own. */
class StorageLocationCheckTest {

  private final TestingReferenceLookup cluster =
      new TestingReferenceLookup()
          .withClaim("attacker", "scratch")
          .with(Fixtures.minioCredentials());

  private List<Problem> check(String namespace, String uri, String secret) {
    StorageLocation location = new StorageLocation();
    location.setUri(uri);
    location.setCredentialsSecret(secret);
    return new StorageLocationCheck(cluster).check(namespace, "spec.source.storage", location);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "pvc://scratch/../../victim/models/prod",
        "pvc://scratch/%2e%2e/victim",
        "pvc://scratch//victim",
        "pvc://scratch/./x",
        "pvc://scratch/a\\..\\b"
      })
  void aClaimPathThatClimbsIsRefusedForGoodNamingTheField(String uri) {
    assertThat(check("attacker", uri, null))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(AcceptanceReasons.UNSAFE_STORAGE_PATH);
              assertThat(p.message()).startsWith("spec.source.storage.uri: ");
              assertThat(p.waitsOnOtherObjects()).isFalse();
            });
  }

  @Test
  void anS3KeyThatClimbsIsRefused() {
    assertThat(check(Fixtures.NAMESPACE, "s3://models/a/../b", "minio-credentials"))
        .singleElement()
        .extracting(Problem::reason)
        .isEqualTo(AcceptanceReasons.UNSAFE_STORAGE_PATH);
  }

  @Test
  void anS3LocationWithoutItsOwnSecretNeedsTheStoragePolicy() {
    assertThat(check("attacker", "s3://victim-models/prod", null))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(AcceptanceReasons.AMBIENT_CREDENTIALS_NOT_ALLOWED);
              assertThat(p.message()).startsWith("spec.source.storage.credentialsSecret: ");
              assertThat(p.waitsOnOtherObjects()).as("a policy change can lift it").isTrue();
            });
    cluster.withStoragePolicy(
        Map.of("own.prefixes", "s3://models/{namespace}", "own.namespaces", "*"));
    assertThat(check("attacker", "s3://models/attacker/m", null)).isEmpty();
    assertThat(check("attacker", "s3://victim-models/prod", null)).isNotEmpty();
  }

  @Test
  void theNamespacesOwnClaimAndSecretAreAccepted() {
    assertThat(check("attacker", "pvc://scratch/models/v1", null)).isEmpty();
    assertThat(check(Fixtures.NAMESPACE, "s3://models/x", "minio-credentials")).isEmpty();
  }
}
