package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One run of the evaluation gate, with its evidence. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisRun {

  @JsonPropertyDescription("step is the index of the rollout step this run gated.")
  private Integer step;

  @JsonPropertyDescription("canaryVersion is the ModelVersion judged.")
  private String canaryVersion;

  @JsonPropertyDescription("stableVersion is the ModelVersion it was compared with.")
  private String stableVersion;

  @JsonPropertyDescription("verdict is Running, Passed, Failed, Inconclusive or Error.")
  private AnalysisVerdict verdict;

  @JsonPropertyDescription("results are each threshold's figures and whether it held.")
  private List<MetricResult> results;

  @JsonPropertyDescription("message explains the verdict.")
  private String message;

  @JsonPropertyDescription("startTime is when the run started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("completionTime is when the verdict was reached (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription(
      "reason is the verdict's reason in one word (see AnalysisRunReasons): ThresholdsHeld,"
          + " GateFailed, GateInconclusive, EvaluationFailed, EvaluationDeadlineExceeded,"
          + " MalformedReport, or Evaluating while it runs.")
  private String reason;

  @JsonPropertyDescription("canaryDigest is the judged version's manifest digest (sha256:...).")
  private String canaryDigest;

  @JsonPropertyDescription("stableDigest is the stable version's manifest digest (sha256:...).")
  private String stableDigest;

  @JsonPropertyDescription(
      "datasetDigest is the sha256 of the evaluation set as the evaluation Job read it"
          + " (sha256:...).")
  private String datasetDigest;

  @JsonPropertyDescription(
      "samples is how many evaluation items both versions were asked (the same items, in the same"
          + " window).")
  private Integer samples;

  @JsonPropertyDescription("job is the evaluation Job's name.")
  private String job;

  public Integer getStep() {
    return step;
  }

  public void setStep(Integer step) {
    this.step = step;
  }

  public String getCanaryVersion() {
    return canaryVersion;
  }

  public void setCanaryVersion(String canaryVersion) {
    this.canaryVersion = canaryVersion;
  }

  public String getStableVersion() {
    return stableVersion;
  }

  public void setStableVersion(String stableVersion) {
    this.stableVersion = stableVersion;
  }

  public AnalysisVerdict getVerdict() {
    return verdict;
  }

  public void setVerdict(AnalysisVerdict verdict) {
    this.verdict = verdict;
  }

  public List<MetricResult> getResults() {
    return results;
  }

  public void setResults(List<MetricResult> results) {
    this.results = results;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getCanaryDigest() {
    return canaryDigest;
  }

  public void setCanaryDigest(String canaryDigest) {
    this.canaryDigest = canaryDigest;
  }

  public String getStableDigest() {
    return stableDigest;
  }

  public void setStableDigest(String stableDigest) {
    this.stableDigest = stableDigest;
  }

  public String getDatasetDigest() {
    return datasetDigest;
  }

  public void setDatasetDigest(String datasetDigest) {
    this.datasetDigest = datasetDigest;
  }

  public Integer getSamples() {
    return samples;
  }

  public void setSamples(Integer samples) {
    this.samples = samples;
  }

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }
}
