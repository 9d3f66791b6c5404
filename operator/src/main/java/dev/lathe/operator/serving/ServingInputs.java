package dev.lathe.operator.serving;

/**
 * What the runtime Deployment needs besides the ModelDeployment and its ModelVersion, read by the
 * observer.
 *
 * @param defaultImage the runtime image when spec.runtime.image is absent
 * @param trustedKeys the PEM public keys trusted in the namespace, concatenated, as training and
 *     verification pods get them
 */
public record ServingInputs(String defaultImage, String trustedKeys) {}
