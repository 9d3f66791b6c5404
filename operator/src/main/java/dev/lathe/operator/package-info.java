/**
 * The Lathe operator: one reconciler per kind, each in its own package ({@code finetunejob}, {@code
 * modelversion}, {@code modeldeployment}) with its decisions and builders beside it, all in one
 * shape (DESIGN.md §4). A newcomer adding a reconciler copies it:
 *
 * <ol>
 *   <li><b>Observe</b> ({@code *Observer}): build an immutable {@code *Snapshot} of everything the
 *       decision needs from JOSDK's informer caches (secondary resources by name, other caches by
 *       {@code eventSourceRetriever().getEventSourceFor(type, name)}), read through {@link
 *       dev.lathe.operator.status.OwnWrites} so that it carries the status this operator last
 *       wrote; no GET or LIST for what an informer holds. Reading storage is allowed here (a
 *       signature, a progress file), nowhere in a decision.
 *   <li><b>Decide</b> ({@code *Decision}): a pure function of (snapshot, instant) to a {@link
 *       dev.lathe.operator.status.Plan}: the status to report (a copy, never a cached object), its
 *       conditions set through the one {@link dev.lathe.operator.status.ConditionWriter} (reasons
 *       are the constants of {@code dev.lathe.api.v1alpha1.*Conditions}), the steps to take, and
 *       when to look again. No client, no storage, no clock of its own: {@code PurityRulesTest}
 *       fails the build otherwise. Every branch has a unit test on snapshots.
 *   <li><b>Act</b> ({@code *Actions}): each step is one method of a narrow interface over the
 *       cluster and storage, with a {@code Cluster*Actions} implementation and a {@code
 *       Testing*Actions} fake in the tests. A step whose result matters (creating a workload,
 *       publishing) returns an outcome that a second pure decision method folds into the plan
 *       ({@code TrainingLoop} shows the loop). Every effect is idempotent: deterministic names,
 *       create-if-absent.
 *   <li><b>Report</b> ({@link dev.lathe.operator.status.StatusReport}): write the decided status if
 *       it changed (server-side apply, no resourceVersion, so no 409), remember it, and only then
 *       record the planned Events: one Event per condition status or reason change, none for a
 *       message alone.
 * </ol>
 */
package dev.lathe.operator;
