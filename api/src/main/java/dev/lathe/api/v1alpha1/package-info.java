/**
 * The {@code lathe.dev/v1alpha1} API: FineTuneJob, ModelVersion and ModelDeployment.
 *
 * <p>Each field's {@code @JsonPropertyDescription} is the text {@code kubectl explain} shows, so it
 * starts with the field's name and says whether it is required. Validation that the API server can
 * do (bounds, patterns, enums, CEL rules) lives here as annotations, so bad manifests are refused
 * at {@code kubectl apply} time, before the operator sees them.
 */
package dev.lathe.api.v1alpha1;
