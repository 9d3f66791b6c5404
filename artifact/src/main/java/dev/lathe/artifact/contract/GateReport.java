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
 * @param prometheus both versions' live figures as queried from Prometheus, or null when none was
 *     given (then the live figures are the pods' scrapes)
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
    Prometheus prometheus,
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

  /**
   * The live figures as Prometheus answered instant queries at the end of the window.
   *
   * @param address the Prometheus queried
   * @param time the evaluation time of every query (RFC 3339), the same for all of them
   * @param window what {@code {{window}}} stood for in the queries, e.g. {@code 95s}
   * @param candidate the candidate's figures
   * @param stable the stable version's figures
   * @param queriesOmitted true when the queries' text was left out so that the report fits the
   *     termination message (the Job's arguments hold them, {@code {{window}}} as above)
   */
  @JsonInclude(JsonInclude.Include.NON_DEFAULT)
  public record Prometheus(
      String address,
      String time,
      String window,
      Queried candidate,
      Queried stable,
      boolean queriesOmitted) {

    Prometheus withoutQueryText() {
      return new Prometheus(
          address, time, window, candidate.withoutQueryText(), stable.withoutQueryText(), true);
    }
  }

  /**
   * One version's live figures from Prometheus, one query each.
   *
   * @param requests generation requests answered in the window (the samples of errorRate and
   *     latencyP95Ms)
   * @param errorRate the share of them that failed
   * @param latencyP95Ms the 95th percentile of their latency, in ms
   * @param ttftSamples first tokens timed in the window (the samples of ttftP95Ms)
   * @param ttftP95Ms the 95th percentile of time to first token, in ms
   */
  public record Queried(
      Figure requests,
      Figure errorRate,
      Figure latencyP95Ms,
      Figure ttftSamples,
      Figure ttftP95Ms) {

    /**
     * These figures with the queries put back where the report left them out, in the order of the
     * record's components.
     */
    public Queried withQueries(
        String requests,
        String errorRate,
        String latencyP95Ms,
        String ttftSamples,
        String ttftP95Ms) {
      return new Queried(
          this.requests.withQuery(requests),
          this.errorRate.withQuery(errorRate),
          this.latencyP95Ms.withQuery(latencyP95Ms),
          this.ttftSamples.withQuery(ttftSamples),
          this.ttftP95Ms.withQuery(ttftP95Ms));
    }

    Queried withoutQueryText() {
      return new Queried(
          requests.withoutQuery(),
          errorRate.withoutQuery(),
          latencyP95Ms.withoutQuery(),
          ttftSamples.withoutQuery(),
          ttftP95Ms.withoutQuery());
    }
  }

  /**
   * One query's answer: a finite value, or no data, or an error; never two of them.
   *
   * @param query the PromQL as sent, placeholders substituted
   * @param value the result, when it was one finite number
   * @param noData why there is no figure although Prometheus answered (an empty result, NaN, ±Inf)
   * @param error why there is no answer (Prometheus unreachable, or its error for the query)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Figure(String query, Double value, String noData, String error) {

    /** Error messages are cut to this, so ten of them still fit a termination message. */
    public static final int MESSAGE_LIMIT = 200;

    public Figure {
      int given = (value != null ? 1 : 0) + (noData != null ? 1 : 0) + (error != null ? 1 : 0);
      if (given != 1) {
        throw new IllegalArgumentException(
            "a figure is exactly one of a value, no data or an error, not " + given);
      }
      if (value != null && !Double.isFinite(value)) {
        throw new IllegalArgumentException(
            "a figure's value must be finite (" + value + " is no data)");
      }
      noData = cut(noData);
      error = cut(error);
    }

    public static Figure of(String query, double value) {
      return new Figure(query, value, null, null);
    }

    public static Figure noData(String query, String why) {
      return new Figure(query, null, why, null);
    }

    public static Figure error(String query, String why) {
      return new Figure(query, null, null, why);
    }

    Figure withoutQuery() {
      return new Figure(null, value, noData, error);
    }

    /** This figure with {@code query} as its query, unless it has one. */
    public Figure withQuery(String query) {
      return this.query != null ? this : new Figure(query, value, noData, error);
    }

    private static String cut(String message) {
      return message == null || message.length() <= MESSAGE_LIMIT
          ? message
          : message.substring(0, MESSAGE_LIMIT) + "…";
    }
  }

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
        if (report.prometheus != null && !report.prometheus.queriesOmitted()) {
          // The queries are in the Job's arguments too; the figures are not.
          report = report.withPrometheus(report.prometheus.withoutQueryText());
          message = PREFIX + report.toJson();
          continue;
        }
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
    return with(prometheus, note);
  }

  public GateReport withPrometheus(Prometheus prometheus) {
    return with(prometheus, note);
  }

  private GateReport with(Prometheus prometheus, String note) {
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
        prometheus,
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
