package dev.lathe.operator.modelversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.AcceptanceReasons;
import dev.lathe.api.v1alpha1.ArtifactStatus;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A ModelVersion's files go with it only when they are provably its own. */
class ArtifactDeletionTest {

  private final ArtifactDeletion deletion = new ArtifactDeletion(null, null, false);

  private static ModelVersion deletable(String name) {
    ModelVersion version = Fixtures.verified(Fixtures.baseModel(name));
    version.getMetadata().setUid("uid-" + name);
    version.getMetadata().setGeneration(1L);
    version.getMetadata().setAnnotations(Map.of(ArtifactDeletion.POLICY_ANNOTATION, "Delete"));
    Condition accepted = new Condition("Accepted", "True", AcceptanceReasons.VALID, "ok");
    accepted.setObservedGeneration(1L);
    version.getStatus().getConditions().add(accepted);
    ArtifactStatus artifact = new ArtifactStatus();
    artifact.setManifestDigest("sha256:" + "ab".repeat(32));
    version.getStatus().setArtifact(artifact);
    return version;
  }

  @Test
  void anAcceptedVerifiedVersionWithTheDeletePolicyIsDeleted() {
    assertThat(deletion.decide(deletable("m"), List.of()).delete()).isTrue();
  }

  @Test
  void theRetainPolicyKeepsTheFilesSilently() {
    ModelVersion version = deletable("m");
    version.getMetadata().setAnnotations(Map.of());
    ArtifactDeletion.Decision decision = deletion.decide(version, List.of());
    assertThat(decision.delete()).isFalse();
    assertThat(decision.keptBecause()).isEmpty();
  }

  @Test
  void aVersionWhoseAcceptanceFailedNeverDeletes() {
    ModelVersion version = deletable("m");
    version.getStatus().getConditions().removeIf(c -> c.getType().equals("Accepted"));
    Condition refused =
        new Condition("Accepted", "False", AcceptanceReasons.UNSAFE_STORAGE_PATH, "climbs");
    refused.setObservedGeneration(1L);
    version.getStatus().getConditions().add(refused);

    ArtifactDeletion.Decision decision = deletion.decide(version, List.of());

    assertThat(decision.delete()).isFalse();
    assertThat(decision.keptBecause()).hasValueSatisfying(m -> assertThat(m).contains("accepted"));
  }

  @Test
  void theGenerationBumpThatDeletionCausesDoesNotUndoTheAcceptance() {
    ModelVersion version = deletable("m");
    version.getMetadata().setGeneration(2L);
    assertThat(deletion.decide(version, List.of()).delete()).isTrue();
  }

  @Test
  void aVersionThatWasNeverVerifiedNeverDeletes() {
    ModelVersion version = deletable("m");
    version.getStatus().getConditions().removeIf(c -> c.getType().equals("Verified"));
    version.getStatus().getConditions().add(new Condition("Verified", "False", "Unsigned", "x"));
    assertThat(deletion.decide(version, List.of()).keptBecause())
        .hasValueSatisfying(m -> assertThat(m).contains("never verified"));
  }

  @Test
  void aLocationAnotherModelVersionNamesIsKeptWhicheverNamespaceItIsIn() {
    ModelVersion mine = deletable("m");
    ModelVersion theirs = Fixtures.baseModel("other");
    theirs.getMetadata().setNamespace("victim");
    theirs.getMetadata().setUid("uid-other");
    theirs.getSpec().getSource().getStorage().setUri("s3://models/m/");
    ModelVersion nested = Fixtures.baseModel("nested");
    nested.getMetadata().setUid("uid-nested");
    nested.getSpec().getSource().getStorage().setUri("s3://models/m/adapters/a");

    assertThat(deletion.decide(mine, List.of(mine, theirs)).keptBecause())
        .hasValueSatisfying(m -> assertThat(m).contains("victim/other"));
    assertThat(deletion.decide(mine, List.of(nested)).delete()).isFalse();
    assertThat(deletion.decide(mine, List.of(mine)).delete()).isTrue();
  }

  @Test
  void claimsOfTheSameNameInOtherNamespacesAreOtherClaims() {
    ModelVersion mine = deletable("m");
    mine.getSpec().getSource().getStorage().setUri("pvc://models/m");
    ModelVersion elsewhere = Fixtures.baseModel("x");
    elsewhere.getMetadata().setNamespace("other");
    elsewhere.getMetadata().setUid("uid-x");
    elsewhere.getSpec().getSource().getStorage().setUri("pvc://models/m");
    assertThat(deletion.decide(mine, List.of(elsewhere)).delete()).isTrue();
  }

  @Test
  void anEventListsAtMostADozenKeysAndCountsTheRest() {
    List<String> keys = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "f" + i).toList();
    assertThat(ModelVersionReconciler.listed(keys)).endsWith("f11 and 8 more");
    assertThat(ModelVersionReconciler.listed(List.of("a", "b"))).isEqualTo("a, b");
  }
}
