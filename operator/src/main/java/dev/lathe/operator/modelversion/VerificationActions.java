package dev.lathe.operator.modelversion;

import dev.lathe.api.v1alpha1.ModelVersion;

/**
 * The seam between ModelVersion decisions and the cluster. {@code ClusterVerificationActions} is
 * the real one; tests use {@code TestingVerificationActions}.
 */
public interface VerificationActions {

  void createVerifyJob(ModelVersion version, VerificationStep.CreateVerifyJob step);

  void deleteVerifyJob(ModelVersion version, VerificationStep.DeleteVerifyJob step);
}
