package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * The PromQL of each live figure. Every query is run twice, once for the candidate and once for
 * stable, with the placeholders substituted, as an instant query at the end of the window; its
 * result must be a scalar or a vector of exactly one sample. An empty result, NaN or ±Inf is no
 * data (the threshold is Inconclusive), never a pass; a query Prometheus refuses makes its
 * thresholds Error with Prometheus' message.
 *
 * <p>The placeholders, the only text in double braces a query may hold: {@code {{namespace}}} (the
 * ModelDeployment's namespace), {@code {{deployment}}} (its name as the pods' {@code
 * lathe.dev/model-deployment} label has it), {@code {{version}}} (the ModelVersion as the pods'
 * {@code lathe.dev/model-version} label has it), {@code {{digest}}} (the version's manifest digest,
 * {@code sha256:…}) and {@code {{window}}} (the window's length in seconds, e.g. {@code 95s}, for a
 * range selector).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusQueries {

  /** What a query may hold: text in double braces only as one of the placeholders. */
  public static final String TEMPLATE =
      "^([^{]|[{][^{]|[{][{](namespace|deployment|version|digest|window)[}][}])*[{]?$";

  @Size(max = 2048)
  @Pattern(TEMPLATE)
  @JsonPropertyDescription(
      "requests is optional: how many generation requests the version answered in the window,"
          + " the samples of liveErrorRate and liveLatencyP95Ms (for minSamples). Default:"
          + " sum(increase(lathe_requests_total{...,endpoint=~\"completions|chat_completions\"}"
          + "[{{window}}])).")
  private String requests;

  @Size(max = 2048)
  @Pattern(TEMPLATE)
  @JsonPropertyDescription(
      "liveErrorRate is optional: the share, in [0, 1], of the version's requests that failed in"
          + " the window. Default: those of requests answered with a 5xx (0 when there were"
          + " none) divided by requests.")
  private String liveErrorRate;

  @Size(max = 2048)
  @Pattern(TEMPLATE)
  @JsonPropertyDescription(
      "liveLatencyP95Ms is optional: the 95th percentile of the version's request latency in the"
          + " window, in milliseconds. Default: 1000 × histogram_quantile(0.95, ...) over the"
          + " increase of lathe_request_duration_seconds_bucket of the generation endpoints.")
  private String liveLatencyP95Ms;

  @Size(max = 2048)
  @Pattern(TEMPLATE)
  @JsonPropertyDescription(
      "liveTtftP95Ms is optional: the 95th percentile of the version's time to first token in the"
          + " window, in milliseconds. Default: 1000 × histogram_quantile(0.95, ...) over the"
          + " increase of lathe_time_to_first_token_seconds_bucket.")
  private String liveTtftP95Ms;

  @Size(max = 2048)
  @Pattern(TEMPLATE)
  @JsonPropertyDescription(
      "ttftSamples is optional: how many first tokens the version timed in the window, the"
          + " samples of liveTtftP95Ms. Default: the increase of"
          + " lathe_time_to_first_token_seconds_count.")
  private String ttftSamples;

  public String getRequests() {
    return requests;
  }

  public void setRequests(String requests) {
    this.requests = requests;
  }

  public String getLiveErrorRate() {
    return liveErrorRate;
  }

  public void setLiveErrorRate(String liveErrorRate) {
    this.liveErrorRate = liveErrorRate;
  }

  public String getLiveLatencyP95Ms() {
    return liveLatencyP95Ms;
  }

  public void setLiveLatencyP95Ms(String liveLatencyP95Ms) {
    this.liveLatencyP95Ms = liveLatencyP95Ms;
  }

  public String getLiveTtftP95Ms() {
    return liveTtftP95Ms;
  }

  public void setLiveTtftP95Ms(String liveTtftP95Ms) {
    this.liveTtftP95Ms = liveTtftP95Ms;
  }

  public String getTtftSamples() {
    return ttftSamples;
  }

  public void setTtftSamples(String ttftSamples) {
    this.ttftSamples = ttftSamples;
  }
}
