package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.operator.references.ModelVersionReferences;
import dev.lathe.operator.status.Acceptance;
import dev.lathe.operator.status.AcceptanceReport;
import dev.lathe.operator.status.EventRecorder;
import dev.lathe.operator.status.StatusPatch;
import dev.lathe.operator.training.TrainingNames;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reconciles ModelVersions: accept the spec, then verify the artifact (signature here, digests in a
 * Job) and report Verified and Available; on deletion, keep or delete the files as the policy says.
 */
@ControllerConfiguration(name = ModelVersionReconciler.NAME)
public class ModelVersionReconciler implements Reconciler<ModelVersion>, Cleaner<ModelVersion> {

  public static final String NAME = "modelversion";

  private final ModelVersionAcceptance acceptance;
  private final AcceptanceReport report;
  private final ModelVersionVerification verification;
  private final ArtifactDeletion deletion;
  private final EventRecorder events;

  public ModelVersionReconciler(
      ModelVersionAcceptance acceptance,
      AcceptanceReport report,
      ModelVersionVerification verification,
      ArtifactDeletion deletion,
      EventRecorder events) {
    this.acceptance = acceptance;
    this.report = report;
    this.verification = verification;
    this.deletion = deletion;
    this.events = events;
  }

  @Override
  public UpdateControl<ModelVersion> reconcile(
      ModelVersion version, Context<ModelVersion> context) {
    StatusPatch patch =
        StatusPatch.before(
            Optional.ofNullable(version.getStatus()).orElseGet(ModelVersionStatus::new));
    Acceptance verdict = acceptance.decide(version);
    report.apply(version, verdict, ModelVersionStatus::new);
    Optional<Duration> next =
        verdict.waitsOnOtherObjects() ? Optional.of(report.recheck()) : Optional.empty();
    if (verdict.accepted()) {
      String jobName = VerificationJobBuilder.name(version);
      Optional<Job> job =
          context.getSecondaryResources(Job.class).stream()
              .filter(j -> jobName.equals(j.getMetadata().getName()))
              .findFirst();
      next = verification.advance(version, job);
    }
    return patch.control(version, next);
  }

  @Override
  public DeleteControl cleanup(ModelVersion version, Context<ModelVersion> context) {
    String uri = version.getSpec().getSource().getStorage().getUri();
    ArtifactDeletion.Decision decision =
        deletion.decide(version, context.getPrimaryCache().list().toList());
    if (!decision.delete()) {
      decision
          .keptBecause()
          .ifPresent(
              why ->
                  events.record(
                      version,
                      EventRecorder.WARNING,
                      "ArtifactKept",
                      "kept every file under " + uri + " although the policy says Delete: " + why));
      return DeleteControl.defaultDelete();
    }
    try {
      ArtifactDeletion.Outcome outcome = deletion.delete(version);
      events.record(
          version,
          EventRecorder.NORMAL,
          "ArtifactDeleted",
          "deleted "
              + outcome.deleted().size()
              + " objects under "
              + uri
              + ": "
              + listed(outcome.deleted())
              + (outcome.leftAlone() > 0
                  ? "; left " + outcome.leftAlone() + " objects the signature does not list"
                  : ""));
      return DeleteControl.defaultDelete();
    } catch (ArtifactDeletion.ArtifactNotOwned e) {
      // Whatever is there now is not provably this version's: keep it, and let the object go.
      events.record(
          version,
          EventRecorder.WARNING,
          "ArtifactKept",
          "kept every file under " + uri + ": " + e.getMessage());
      return DeleteControl.defaultDelete();
    } catch (Exception e) {
      // Keep the finalizer: the files must not outlive a deletion that the policy asked for.
      events.record(
          version,
          EventRecorder.WARNING,
          "ArtifactDeletionFailed",
          "cannot delete the files yet: " + e.getMessage());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(report.recheck());
    }
  }

  /** Keys for an Event message, which the API server bounds: the first ones and a count. */
  static String listed(List<String> keys) {
    int shown = Math.min(keys.size(), 12);
    String head = String.join(", ", keys.subList(0, shown));
    return keys.size() > shown ? head + " and " + (keys.size() - shown) + " more" : head;
  }

  /**
   * An adapter is looked at again when its base appears or changes; a version by its verify Job.
   */
  @Override
  public List<EventSource<?, ModelVersion>> prepareEventSources(
      EventSourceContext<ModelVersion> context) {
    var adaptersOfBase =
        ModelVersionReferences.indexPrimaries(
            context, version -> Stream.of(version.getSpec().getBase()));
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelVersion.class, ModelVersion.class)
                .withName("base-models")
                .withSecondaryToPrimaryMapper(adaptersOfBase)
                .build(),
            context),
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, ModelVersion.class)
                .withName("verify-jobs")
                .withLabelSelector(TrainingNames.MODEL_VERSION_LABEL)
                .build(),
            context));
  }
}
