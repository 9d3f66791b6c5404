package dev.lathe.artifact.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * What the runtime's {@code evaluate} found, as the operator's evaluation gate reads it from the
 * evaluation pod's termination message: summary statistics only, so it fits Kubernetes' 4096-byte
 * limit whatever the size of the evaluation set. Written once here for both sides, so a rename
 * breaks the build instead of the gate.
 *
 * @param schema the record's version, {@value #SCHEMA}
 * @param datasetDigest the evaluation set's sha256 as read ({@code sha256:…})
 * @param items how many items each version was asked (the same ones, interleaved)
 * @param accuracy the paired outcomes of "answer right after normalisation"
 * @param exactMatch the paired outcomes of "answer right byte for byte after trimming"
 * @param errors the paired outcomes of "request failed"
 * @param candidate the candidate's figures over the evaluation's own requests
 * @param stable the stable version's figures over the evaluation's own requests
 * @param candidateLive the candidate pods' own metrics over the window, or null if none was given
 * @param stableLive the stable pods' own metrics over the window, or null if none was given
 * @param note the first errors seen, or other words for a person (cut to fit)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateReport(
    int schema,
    String datasetDigest,
    int items,
    Paired accuracy,
    Paired exactMatch,
    Paired errors,
    Requests candidate,
    Requests stable,
    Live candidateLive,
    Live stableLive,
    String note) {

  public static final int SCHEMA = 1;

  /** Kubernetes keeps at most this many bytes of a termination message. */
  public static final int MAX_BYTES = 4096;

  /** What {@code evaluate} writes before the JSON in its termination message. */
  public static final String PREFIX = "lathe-gate-report ";

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * A 2×2 table of one yes/no outcome per item, for both versions on the same item.
   *
   * @param both items where both versions had the outcome
   * @param candidateOnly items where only the candidate had it
   * @param stableOnly items where only stable had it
   * @param neither items where neither had it
   */
  public record Paired(int both, int candidateOnly, int stableOnly, int neither) {

    public int total() {
      return both + candidateOnly + stableOnly + neither;
    }

    /** The candidate's share of items with the outcome. */
    public double candidateShare() {
      return total() == 0 ? Double.NaN : (double) (both + candidateOnly) / total();
    }

    /** Stable's share of items with the outcome. */
    public double stableShare() {
      return total() == 0 ? Double.NaN : (double) (both + stableOnly) / total();
    }
  }

  /**
   * One version's figures over the evaluation's requests. Latencies are over the requests that
   * succeeded; null where there were none.
   *
   * @param requests requests sent
   * @param errors requests that failed (transport error, non-200, or a stream that broke)
   * @param latencyP50Ms median latency to the last token
   * @param latencyP95Ms 95th percentile latency to the last token
   * @param ttftP95Ms 95th percentile time to the first streamed token
   */
  public record Requests(
      int requests, int errors, Double latencyP50Ms, Double latencyP95Ms, Double ttftP95Ms) {

    public int succeeded() {
      return requests - errors;
    }
  }

  /**
   * One version's pods' own metrics: the difference between two scrapes of each pod's /metrics.
   *
   * @param pods the pod addresses given
   * @param podsScraped the pods whose both scrapes succeeded (only those are counted)
   * @param windowSeconds the time between the scrapes
   * @param requests requests the pods answered in the window
   * @param errors of those, the ones answered with a 5xx
   * @param latencyP95Ms the 95th percentile of their latency (from the histogram), or null
   * @param ttftSamples how many first tokens the pods timed in the window
   * @param ttftP95Ms the 95th percentile of time to first token (from the histogram), or null
   */
  public record Live(
      int pods,
      int podsScraped,
      double windowSeconds,
      long requests,
      long errors,
      Double latencyP95Ms,
      long ttftSamples,
      Double ttftP95Ms) {}

  /** The termination message: {@link #PREFIX} and compact JSON, the note cut to fit. */
  public String toTerminationMessage() {
    GateReport report = this;
    String message = PREFIX + report.toJson();
    while (message.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      String shorter =
          report.note == null || report.note.length() < 16
              ? null
              : report.note.substring(0, report.note.length() / 2) + "…";
      if (shorter == null && report.note == null) {
        throw new IllegalStateException("a gate report without a note exceeds " + MAX_BYTES);
      }
      report = report.withNote(shorter);
      message = PREFIX + report.toJson();
    }
    return message;
  }

  /**
   * Reads a termination message written by {@link #toTerminationMessage()}.
   *
   * @throws IllegalArgumentException naming what is wrong, when it is not such a message
   */
  public static GateReport parse(String message) {
    if (message == null || !message.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "the termination message does not start with \"" + PREFIX.strip() + "\"");
    }
    GateReport report;
    try {
      report = JSON.readValue(message.substring(PREFIX.length()), GateReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the gate report is not valid JSON: " + e.getOriginalMessage());
    }
    if (report.schema != SCHEMA) {
      throw new IllegalArgumentException(
          "the gate report has schema " + report.schema + ", this operator reads " + SCHEMA);
    }
    if (report.accuracy == null
        || report.exactMatch == null
        || report.errors == null
        || report.candidate == null
        || report.stable == null) {
      throw new IllegalArgumentException(
          "the gate report lacks accuracy, exactMatch, errors, candidate or stable");
    }
    for (Paired paired : new Paired[] {report.accuracy, report.exactMatch, report.errors}) {
      if (paired.total() != report.items
          || paired.both < 0
          || paired.candidateOnly < 0
          || paired.stableOnly < 0
          || paired.neither < 0) {
        throw new IllegalArgumentException(
            "the gate report's paired counts "
                + paired
                + " do not add up to its "
                + report.items
                + " items");
      }
    }
    return report;
  }

  GateReport withNote(String note) {
    return new GateReport(
        schema,
        datasetDigest,
        items,
        accuracy,
        exactMatch,
        errors,
        candidate,
        stable,
        candidateLive,
        stableLive,
        note);
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
