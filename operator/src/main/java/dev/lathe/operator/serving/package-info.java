/**
 * The serving workloads of a ModelDeployment as pure builders: per served ModelVersion a Deployment
 * of runtime pods and the ConfigMap of its desired adapters; per ModelDeployment the endpoint
 * Service; per served version a version Service. Nothing here talks to a cluster.
 *
 * <h2>Labels, and why promotion moves no pod</h2>
 *
 * Every runtime pod carries exactly two identifying labels, both fixed for its whole life:
 *
 * <ul>
 *   <li>{@code lathe.dev/model-deployment}: the ModelDeployment it serves;
 *   <li>{@code lathe.dev/model-version}: the ModelVersion it verified and loaded.
 * </ul>
 *
 * A pod carries no track label ({@code stable}/{@code canary}). Which version is stable is said by
 * the ModelDeployment's status ({@code stableVersion}) and by the label {@code lathe.dev/track} on
 * the version Services, which the operator may change at will: promoting a canary in part 2
 * relabels two Services and rewrites a status, and no pod is restarted, re-created or re-verified.
 * A Deployment's selector (immutable in Kubernetes) therefore selects only the two fixed labels.
 *
 * <ul>
 *   <li>The endpoint Service selects {@code model-deployment} only: every serving pod of every
 *       version, so with replica-ratio routing the traffic split is the ratio of ready pods; while
 *       a rolled-back candidate's pods or a replaced stable version's last pod wait out the
 *       rollout's scaleDownDelay, it selects the stable version's pods only (traffic leaves them at
 *       once, the pods go later).
 *   <li>A version Service selects {@code model-deployment} and {@code model-version}: the backend
 *       an evaluation gate addresses.
 *   <li>With HTTPRoute traffic routing, two track Services, {@code NAME-stable} and {@code
 *       NAME-canary}, are the backends the user's HTTPRoute weights. Their names are fixed and
 *       their selectors follow the versions: both select the stable version outside a rollout, the
 *       canary one selects the candidate while it rolls out, and promotion points the stable one at
 *       the candidate. A route in Git therefore never names a version, and only its weights drift;
 *       during a rollout the endpoint Service selects the stable version only, so the canary's
 *       share is exactly the route's.
 * </ul>
 *
 * A pod whose init container refuses its artifact never becomes ready, so no Service sends it
 * traffic. Names are deterministic (derived from the ModelDeployment's and ModelVersion's names,
 * shortened with a digest when too long), so a restarted operator finds what it made.
 *
 * <p>The adapter list is a ConfigMap per served version, mounted into its pods as a directory: a
 * kubelet updates the mounted file when the ConfigMap changes, so adapters come and go without a
 * new pod template and without restarts, and a pod that starts later reads the whole current list.
 */
package dev.lathe.operator.serving;
