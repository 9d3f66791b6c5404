package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Where the gate's live figures come from when the cluster has a Prometheus: instant queries over
 * the step's window, one per figure and version, instead of the evaluation Job's own scrapes of the
 * serving pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSource {

  @Required
  @Size(max = 512)
  @Pattern("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")
  @JsonPropertyDescription(
      "address is required: the Prometheus server's base URL as the evaluation Job reaches it,"
          + " for example http://prometheus-operated.monitoring.svc:9090 (a path prefix such as"
          + " /prometheus is kept). The Job asks its HTTP API's /api/v1/query, without"
          + " credentials.")
  private String address;

  @Size(max = 32)
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  @JsonPropertyDescription(
      "delay is optional: how long after the window closes the Job waits before it queries, so"
          + " that Prometheus has scraped the window's last requests; the queries' {{window}}"
          + " then spans the delay too. Set it to at least the scrape interval. Defaults to 30s.")
  private String delay;

  @JsonPropertyDescription(
      "queries is optional: the PromQL of each figure, run for each version as an instant query"
          + " at the window's end; a scalar or a one-sample vector is the figure, an empty result,"
          + " NaN or ±Inf is no data (Inconclusive). Placeholders, the only text in double braces"
          + " a query may hold: {{namespace}}, {{deployment}} and {{version}} (as the pods'"
          + " lathe.dev/model-deployment and lathe.dev/model-version labels have them),"
          + " {{digest}} (sha256:…) and {{window}} (the window's length, e.g. 95s). Each absent"
          + " query has a default that reads the runtime's own metrics on series labelled"
          + " {namespace=\"{{namespace}}\", lathe_dev_model_version=\"{{version}}\"}, as a"
          + " PodMonitor with podTargetLabels [lathe.dev/model-version] labels them.")
  private PrometheusQueries queries;

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getDelay() {
    return delay;
  }

  public void setDelay(String delay) {
    this.delay = delay;
  }

  public PrometheusQueries getQueries() {
    return queries;
  }

  public void setQueries(PrometheusQueries queries) {
    this.queries = queries;
  }
}
