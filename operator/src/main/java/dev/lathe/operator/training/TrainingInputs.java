package dev.lathe.operator.training;

import dev.lathe.api.v1alpha1.StorageLocation;
import java.util.Optional;

/**
 * What the reconciler resolved before building an attempt's workload.
 *
 * @param attempt the attempt number, from 1
 * @param baseModel where the base model's files are
 * @param baseModelSigned whether the base is a published ModelVersion whose signature the fetch
 *     step must verify (false for a raw Hugging Face directory, which it hashes instead)
 * @param baseModelDigest the base ModelVersion's verified manifest digest, when known
 * @param output the attempt's own prefix in the output storage
 * @param trustedKeys PEM public keys the fetch step trusts for the job's namespace
 * @param trainerImage the image that trains (the job's own, or the operator's default)
 * @param fetchImage Lathe's trainer image, which runs the fetch step even for a custom trainer:
 *     verifying inputs is Lathe's job, not the custom image's
 * @param progressSeconds how often the trainer uploads its progress: as often as the operator reads
 *     it
 * @param suspended whether the Job starts suspended (spec.suspend, queued, or waiting for Kueue)
 */
public record TrainingInputs(
    int attempt,
    StorageLocation baseModel,
    boolean baseModelSigned,
    Optional<String> baseModelDigest,
    StorageLocation output,
    String trustedKeys,
    String trainerImage,
    String fetchImage,
    long progressSeconds,
    boolean suspended) {}
