package dev.lathe.cli.status;

import dev.lathe.api.v1alpha1.ArtifactStatus;
import dev.lathe.api.v1alpha1.Condition;
import dev.lathe.api.v1alpha1.FineTuneMethod;
import dev.lathe.api.v1alpha1.Lineage;
import dev.lathe.api.v1alpha1.ModelSource;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.api.v1alpha1.ModelVersionStatus;
import dev.lathe.api.v1alpha1.SignatureStatus;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** A ModelVersion at a glance: verification, signer, artifact digest, lineage and conditions. */
final class ModelVersionView {

  private ModelVersionView() {}

  static String render(ModelVersion version, Instant now) {
    StringBuilder out = new StringBuilder();
    ModelVersionStatus status =
        version.getStatus() == null ? new ModelVersionStatus() : version.getStatus();
    Header.render("ModelVersion", version.getMetadata(), version.getStatus(), out);
    out.append("Verified:   ").append(verification(status)).append('\n');
    source(version.getSpec().getSource(), out);
    SignatureStatus signature = status.getSignature();
    if (signature != null) {
      out.append("Signer:     key ")
          .append(Optional.ofNullable(signature.getKeyId()).orElse("?"))
          .append("  ")
          .append(Optional.ofNullable(signature.getAlgorithm()).orElse("?"));
      Optional.ofNullable(signature.getSignedAt())
          .ifPresent(t -> out.append("  signed ").append(t));
      out.append('\n');
    }
    ArtifactStatus artifact = status.getArtifact();
    if (artifact != null) {
      out.append("Artifact:   ")
          .append(Optional.ofNullable(artifact.getManifestDigest()).orElse("(no digest yet)"));
      if (artifact.getFiles() != null) {
        out.append("  ").append(artifact.getFiles()).append(" files");
      }
      if (artifact.getSizeBytes() != null) {
        out.append(", ").append(size(artifact.getSizeBytes()));
      }
      out.append('\n');
      Optional.ofNullable(artifact.getUri())
          .ifPresent(u -> out.append("            at ").append(u).append('\n'));
    }
    lineage(status.getLineage(), out);
    ConditionTable.render(status.getConditions(), now, out);
    return out.toString();
  }

  private static String verification(ModelVersionStatus status) {
    Condition verified = ConditionTable.find(status.getConditions(), ModelVersionStatus.VERIFIED);
    if (verified == null) {
      return "not yet (no Verified condition)";
    }
    String word =
        switch (verified.getStatus()) {
          case Condition.TRUE -> "yes";
          case Condition.FALSE -> "NO";
          default -> "unknown";
        };
    return word
        + ", "
        + verified.getReason()
        + (verified.getMessage() == null ? "" : ": " + verified.getMessage());
  }

  private static void source(ModelSource source, StringBuilder out) {
    if (source == null) {
      return;
    }
    if (source.getFineTuneJob() != null) {
      out.append("Source:     trained by FineTuneJob ")
          .append(source.getFineTuneJob().getName())
          .append('\n');
    } else if (source.getStorage() != null) {
      out.append("Source:     imported from ").append(source.getStorage().getUri()).append('\n');
    }
  }

  private static void lineage(Lineage lineage, StringBuilder out) {
    if (lineage == null) {
      out.append("Lineage:    none (an imported model: it is its own origin)\n");
      return;
    }
    out.append("Lineage:    base ")
        .append(
            lineage.getBaseModelDigest() != null
                ? lineage.getBaseModelDigest()
                : String.join(
                    ", ", Optional.ofNullable(lineage.getParents()).orElse(java.util.List.of())))
        .append('\n');
    Optional.ofNullable(lineage.getDatasetDigest())
        .ifPresent(d -> out.append("            dataset ").append(d).append('\n'));
    Optional.ofNullable(lineage.getTrainerImage())
        .ifPresent(t -> out.append("            trainer ").append(t).append('\n'));
    StringBuilder job = new StringBuilder();
    Optional.ofNullable(lineage.getFineTuneJobName()).ifPresent(n -> job.append("job ").append(n));
    FineTuneMethod method = lineage.getMethod();
    if (method != null && method.getType() != null) {
      job.append(job.isEmpty() ? "" : ", ")
          .append(method.getType().toString().toLowerCase(Locale.ROOT));
      Optional.ofNullable(method.getRank()).ifPresent(r -> job.append(" rank ").append(r));
    }
    if (!job.isEmpty()) {
      out.append("            ").append(job).append('\n');
    }
  }

  private static String size(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
