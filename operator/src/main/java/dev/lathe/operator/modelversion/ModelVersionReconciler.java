package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.operator.references.ModelVersionReferences;
import dev.lathe.operator.status.EventRecorder;
import dev.lathe.operator.status.Plan;
import dev.lathe.operator.status.StatusReport;
import dev.lathe.operator.training.TrainingNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reconciles ModelVersions in the operator's one shape: observe ({@link ModelVersionObserver}:
 * caches, and the signature check while not settled), decide ({@link VerificationDecision}), act
 * ({@link VerificationActions}), report ({@link StatusReport}). On deletion, keep or delete the
 * files as the policy says.
 */
@ControllerConfiguration(name = ModelVersionReconciler.NAME)
public class ModelVersionReconciler implements Reconciler<ModelVersion>, Cleaner<ModelVersion> {

  public static final String NAME = "modelversion";

  private final ModelVersionObserver observer;
  private final VerificationDecision decision;
  private final VerificationActions actions;
  private final StatusReport report;
  private final ArtifactDeletion deletion;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration recheck;

  public ModelVersionReconciler(
      ModelVersionObserver observer,
      VerificationDecision decision,
      VerificationActions actions,
      StatusReport report,
      ArtifactDeletion deletion,
      EventRecorder events,
      Clock clock,
      Duration recheck) {
    this.observer = observer;
    this.decision = decision;
    this.actions = actions;
    this.report = report;
    this.deletion = deletion;
    this.events = events;
    this.clock = clock;
    this.recheck = recheck;
  }

  @Override
  public UpdateControl<ModelVersion> reconcile(ModelVersion cached, Context<ModelVersion> context) {
    ModelVersionSnapshot seen = observer.observe(cached, context);
    Plan<ModelVersionStatus, VerificationStep> plan = decision.decide(seen, clock.instant());
    for (VerificationStep step : plan.steps()) {
      if (step instanceof VerificationStep.CreateVerifyJob create) {
        actions.createVerifyJob(seen.version(), create);
      } else if (step instanceof VerificationStep.DeleteVerifyJob delete) {
        actions.deleteVerifyJob(seen.version(), delete);
      }
    }
    report.report(seen.version(), plan.status(), plan.conditions().events());
    UpdateControl<ModelVersion> control = UpdateControl.noUpdate();
    plan.next().ifPresent(control::rescheduleAfter);
    return control;
  }

  @Override
  public DeleteControl cleanup(ModelVersion version, Context<ModelVersion> context) {
    report.writes().forget(version.getMetadata().getUid());
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
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(recheck);
    }
  }

  /** Keys for an Event message, which the API server bounds: the first ones and a count. */
  static String listed(List<String> keys) {
    int shown = Math.min(keys.size(), 12);
    String head = String.join(", ", keys.subList(0, shown));
    return keys.size() > shown ? head + " and " + (keys.size() - shown) + " more" : head;
  }

  /**
   * An adapter is looked at again when its base appears or changes; a version by its verify Job and
   * that Job's pods.
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
                .withName(ModelVersionObserver.VERIFY_JOBS)
                .withLabelSelector(TrainingNames.MODEL_VERSION_LABEL)
                .build(),
            context),
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, ModelVersion.class)
                .withName(ModelVersionObserver.VERIFY_PODS)
                .withLabelSelector(TrainingNames.MODEL_VERSION_LABEL)
                .withSecondaryToPrimaryMapper(
                    (Pod pod) ->
                        Optional.ofNullable(pod.getMetadata().getLabels())
                            .map(l -> l.get(TrainingNames.MODEL_VERSION_LABEL))
                            .map(n -> Set.of(new ResourceID(n, pod.getMetadata().getNamespace())))
                            .orElse(Set.of()))
                .build(),
            context));
  }
}
