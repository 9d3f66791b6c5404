package dev.lathe.operator.rollout;

/**
 * Pod counts of a ServiceRatio canary, where the traffic split is the ratio of ready pods behind
 * the endpoint Service.
 *
 * <p>A step of weight {@code w} on {@code spec.replicas = R} gives the candidate {@code ceil(w × R
 * / 100)} pods (at least 1) and the stable version the rest, but never fewer than one pod before
 * promotion: a stable version keeps serving until it is replaced. The two together never ask for
 * more than {@code R + }{@value #SURGE} pods, so a canary never needs more GPUs than one pod beyond
 * the budget the spec states; to keep that while moving between steps the stable version gives way
 * only as the candidate's pods become ready, and the candidate grows only into room the stable
 * version left.
 *
 * @param candidate the candidate Deployment's replicas
 * @param stable the stable Deployment's replicas
 */
public record CanaryReplicas(int candidate, int stable) {

  /** The pods a rollout may run beyond spec.replicas: one, the GPU budget's only overdraft. */
  public static final int SURGE = 1;

  /** Where a step of {@code weight} percent of {@code replicas} pods ends up. */
  public static CanaryReplicas forWeight(int weight, int replicas) {
    if (replicas <= 0) {
      return new CanaryReplicas(0, 0);
    }
    int candidate = weight >= 100 ? replicas : Math.max(1, ceilPercent(weight, replicas));
    return new CanaryReplicas(candidate, Math.max(1, replicas - candidate));
  }

  /**
   * This reconcile's replicas on the way to {@code this} target.
   *
   * @param replicas spec.replicas
   * @param stablePods the stable version's pods now (the larger of its Deployment's spec and status
   *     replicas, so a pod still counted holds its GPU)
   * @param candidateReady the candidate's ready pods now
   */
  public CanaryReplicas towards(int replicas, int stablePods, int candidateReady) {
    int room = Math.max(0, replicas + SURGE - stablePods);
    int nextCandidate = Math.min(candidate, Math.max(room, Math.min(candidateReady, candidate)));
    int nextStable = Math.max(stable, replicas - Math.min(candidateReady, candidate));
    return new CanaryReplicas(nextCandidate, Math.min(nextStable, Math.max(stable, stablePods)));
  }

  /** The candidate's share of traffic with {@code candidateReady} and {@code stableReady} pods. */
  public static int share(int candidateReady, int stableReady) {
    int all = candidateReady + stableReady;
    return all == 0 ? 0 : Math.round(100f * candidateReady / all);
  }

  private static int ceilPercent(int weight, int replicas) {
    return (weight * replicas + 99) / 100;
  }
}
