package dev.lathe.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CanaryReplicasTest {

  @Test
  void aStepGivesTheCandidateTheCeilingOfItsWeightOfTheReplicasAndStableTheRest() {
    assertThat(CanaryReplicas.forWeight(25, 4)).isEqualTo(new CanaryReplicas(1, 3));
    assertThat(CanaryReplicas.forWeight(30, 4)).isEqualTo(new CanaryReplicas(2, 2));
    assertThat(CanaryReplicas.forWeight(50, 10)).isEqualTo(new CanaryReplicas(5, 5));
  }

  @Test
  void theCandidateGetsAtLeastOnePodAndStableKeepsOneUntilPromotion() {
    assertThat(CanaryReplicas.forWeight(1, 10)).isEqualTo(new CanaryReplicas(1, 9));
    assertThat(CanaryReplicas.forWeight(10, 1)).isEqualTo(new CanaryReplicas(1, 1));
    assertThat(CanaryReplicas.forWeight(90, 2)).isEqualTo(new CanaryReplicas(2, 1));
    assertThat(CanaryReplicas.forWeight(100, 4)).isEqualTo(new CanaryReplicas(4, 1));
  }

  @Test
  void noReplicasMeansNoPodsForEither() {
    assertThat(CanaryReplicas.forWeight(50, 0)).isEqualTo(new CanaryReplicas(0, 0));
  }

  @Test
  void theCandidateGrowsOnlyIntoRoomTheStableVersionLeftWithinOnePodOfSurge() {
    CanaryReplicas target = CanaryReplicas.forWeight(90, 10);

    assertThat(target.towards(10, 10, 0)).isEqualTo(new CanaryReplicas(1, 10));
    assertThat(target.towards(10, 10, 1)).isEqualTo(new CanaryReplicas(1, 9));
    assertThat(target.towards(10, 9, 1)).isEqualTo(new CanaryReplicas(2, 9));
    assertThat(target.towards(10, 9, 2)).isEqualTo(new CanaryReplicas(2, 8));
    assertThat(target.towards(10, 1, 9)).isEqualTo(target);
  }

  @Test
  void stableNeverGivesWayBelowWhatTheReadyCandidatePodsReplace() {
    CanaryReplicas target = CanaryReplicas.forWeight(50, 4);

    CanaryReplicas next = target.towards(4, 4, 0);

    assertThat(next.stable()).isEqualTo(4);
    assertThat(next.candidate() + next.stable()).isLessThanOrEqualTo(4 + CanaryReplicas.SURGE);
  }

  @Test
  void everyStepOfAWholeRolloutStaysWithinTheSurge() {
    int replicas = 7;
    int stable = replicas;
    int candidate = 0;
    for (int weight : new int[] {5, 40, 60, 100}) {
      CanaryReplicas target = CanaryReplicas.forWeight(weight, replicas);
      for (int round = 0; round < 20; round++) {
        CanaryReplicas next = target.towards(replicas, stable, candidate);
        assertThat(next.candidate() + Math.max(next.stable(), stable))
            .as("pods at weight %d, round %d", weight, round)
            .isLessThanOrEqualTo(replicas + CanaryReplicas.SURGE);
        candidate = next.candidate();
        stable = next.stable();
      }
      assertThat(new CanaryReplicas(candidate, stable)).isEqualTo(target);
    }
  }

  @Test
  void theShareIsTheCandidatesPartOfTheReadyPods() {
    assertThat(CanaryReplicas.share(1, 3)).isEqualTo(25);
    assertThat(CanaryReplicas.share(0, 0)).isZero();
  }
}
