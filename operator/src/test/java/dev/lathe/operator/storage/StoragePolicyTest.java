package dev.lathe.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.StorageLocation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may borrow the operator's own S3 credentials, and for which prefixes. */
class StoragePolicyTest {

  private static StorageLocation s3(String uri, String endpoint, String secret) {
    StorageLocation location = new StorageLocation();
    location.setUri(uri);
    location.setEndpoint(endpoint);
    location.setCredentialsSecret(secret);
    return location;
  }

  private static final StoragePolicy TEAMS =
      StoragePolicy.fromData(
          Map.of(
              "teams.prefixes", "s3://models/{namespace}, s3://datasets/shared/{namespace}",
              "teams.namespaces", "team-a, team-b",
              "teams.endpoint", "http://minio:9000/",
              "aws.prefixes", "s3://prod-models/platform",
              "aws.namespaces", "*"));

  @Test
  void withoutAPolicyEveryS3LocationNeedsItsOwnSecret() {
    assertThat(StoragePolicy.NONE.refusal("team-a", s3("s3://models/team-a", null, null)))
        .hasValueSatisfying(
            m -> assertThat(m).contains("names no credentialsSecret").contains("namespace team-a"));
    assertThat(StoragePolicy.NONE.refusal("team-a", s3("s3://models/team-a", null, "creds")))
        .isEmpty();
  }

  @Test
  void aRuleGrantsANamespaceItsOwnPrefixOnItsEndpointAndNothingElse() {
    assertThat(TEAMS.refusal("team-a", s3("s3://models/team-a/v1", "http://minio:9000", null)))
        .isEmpty();
    assertThat(TEAMS.refusal("team-a", s3("s3://models/team-a", "http://minio:9000", null)))
        .isEmpty();
    assertThat(
            TEAMS.refusal("team-a", s3("s3://datasets/shared/team-a/x", "http://minio:9000", null)))
        .isEmpty();
    // another namespace's prefix, a prefix that only starts with the same letters, another
    // endpoint, a namespace the rule does not name
    assertThat(TEAMS.refusal("team-a", s3("s3://models/team-b", "http://minio:9000", null)))
        .isPresent();
    assertThat(TEAMS.refusal("team-a", s3("s3://models/team-ab", "http://minio:9000", null)))
        .isPresent();
    assertThat(TEAMS.refusal("team-a", s3("s3://models/team-a", "http://other:9000", null)))
        .isPresent();
    assertThat(TEAMS.refusal("team-a", s3("s3://models/team-a", null, null))).isPresent();
    assertThat(TEAMS.refusal("attacker", s3("s3://models/attacker", "http://minio:9000", null)))
        .isPresent();
  }

  @Test
  void aPrefixThatClimbsIsRefusedEvenUnderAGrantedPrefix() {
    assertThat(
            TEAMS.refusal("team-a", s3("s3://models/team-a/../team-b", "http://minio:9000", null)))
        .hasValueSatisfying(m -> assertThat(m).contains("'..' segment"));
  }

  @Test
  void aStarRuleCoversEveryNamespaceAndARuleWithoutNamespacesGrantsNothing() {
    assertThat(TEAMS.refusal("anyone", s3("s3://prod-models/platform/m", null, null))).isEmpty();
    StoragePolicy careless = StoragePolicy.fromData(Map.of("open.prefixes", "s3://models"));
    assertThat(careless.refusal("team-a", s3("s3://models/team-a", null, null))).isPresent();
    assertThat(careless.problems()).singleElement().asString().contains("grants nothing");
  }

  @Test
  void claimsAreNeverTheOperatorsToGrant() {
    StorageLocation claim = new StorageLocation();
    claim.setUri("pvc://scratch/models");
    assertThat(StoragePolicy.NONE.refusal("team-a", claim)).isEmpty();
  }
}
