package dev.lathe.runtime.evaluate;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of one scrape of a runtime pod's /metrics (Prometheus text format) that the live gate
 * needs: generation requests by outcome, and the cumulative buckets of the request-latency and
 * time-to-first-token histograms. Health checks, /v1/models and /metrics itself are left out: they
 * are not traffic a canary is judged on.
 *
 * @param requests generation requests answered
 * @param errors of those, answered with a 5xx
 * @param latencyBuckets cumulative count per upper bound in seconds (+Inf as infinity)
 * @param ttftBuckets the same for time to first token
 */
record PodMetrics(
    double requests,
    double errors,
    TreeMap<Double, Double> latencyBuckets,
    TreeMap<Double, Double> ttftBuckets) {

  static final Set<String> GENERATION = Set.of("completions", "chat_completions");

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static PodMetrics parse(String text) {
    double requests = 0;
    double errors = 0;
    TreeMap<Double, Double> latency = new TreeMap<>();
    TreeMap<Double, Double> ttft = new TreeMap<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.strip());
      if (!sample.matches()) {
        continue;
      }
      String name = sample.group(1);
      Map<String, String> labels = labels(sample.group(2));
      double value = number(sample.group(3));
      switch (name) {
        case "lathe_requests_total" -> {
          if (GENERATION.contains(labels.get("endpoint"))) {
            requests += value;
            if (labels.getOrDefault("status", "").startsWith("5")) {
              errors += value;
            }
          }
        }
        case "lathe_request_duration_seconds_bucket" -> {
          if (GENERATION.contains(labels.get("endpoint"))) {
            latency.merge(number(labels.get("le")), value, Double::sum);
          }
        }
        case "lathe_time_to_first_token_seconds_bucket" ->
            ttft.merge(number(labels.get("le")), value, Double::sum);
        default -> {}
      }
    }
    return new PodMetrics(requests, errors, latency, ttft);
  }

  /**
   * What happened between an earlier scrape and this one. A counter that went down means the pod
   * restarted in between; as Prometheus does, the later figure is then the whole increase.
   */
  PodMetrics since(PodMetrics earlier) {
    boolean restarted = requests < earlier.requests;
    if (restarted) {
      return this;
    }
    return new PodMetrics(
        requests - earlier.requests,
        errors - earlier.errors,
        minus(latencyBuckets, earlier.latencyBuckets),
        minus(ttftBuckets, earlier.ttftBuckets));
  }

  PodMetrics plus(PodMetrics other) {
    TreeMap<Double, Double> latency = new TreeMap<>(latencyBuckets);
    other.latencyBuckets.forEach((le, n) -> latency.merge(le, n, Double::sum));
    TreeMap<Double, Double> ttft = new TreeMap<>(ttftBuckets);
    other.ttftBuckets.forEach((le, n) -> ttft.merge(le, n, Double::sum));
    return new PodMetrics(requests + other.requests, errors + other.errors, latency, ttft);
  }

  static PodMetrics empty() {
    return new PodMetrics(0, 0, new TreeMap<>(), new TreeMap<>());
  }

  /** The samples a histogram holds: its +Inf bucket. */
  static double count(TreeMap<Double, Double> buckets) {
    return buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
  }

  /**
   * The q-quantile of a cumulative histogram in milliseconds, interpolated linearly inside its
   * bucket as Prometheus' histogram_quantile does; the highest finite bound when it falls in +Inf;
   * null for an empty histogram.
   */
  static Double quantileMillis(TreeMap<Double, Double> buckets, double q) {
    double total = count(buckets);
    if (total <= 0) {
      return null;
    }
    double rank = q * total;
    double lowerBound = 0;
    double below = 0;
    for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
      if (bucket.getValue() >= rank) {
        if (bucket.getKey().isInfinite()) {
          return Math.round(lowerBound * 10_000) / 10.0;
        }
        double inBucket = bucket.getValue() - below;
        double share = inBucket <= 0 ? 1 : (rank - below) / inBucket;
        double seconds = lowerBound + (bucket.getKey() - lowerBound) * share;
        return Math.round(seconds * 10_000) / 10.0;
      }
      lowerBound = bucket.getKey();
      below = bucket.getValue();
    }
    return Math.round(lowerBound * 10_000) / 10.0;
  }

  private static TreeMap<Double, Double> minus(
      TreeMap<Double, Double> later, TreeMap<Double, Double> earlier) {
    TreeMap<Double, Double> difference = new TreeMap<>();
    later.forEach((le, n) -> difference.put(le, n - earlier.getOrDefault(le, 0.0)));
    return difference;
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new HashMap<>();
    if (text == null) {
      return labels;
    }
    Matcher label = LABEL.matcher(text);
    while (label.find()) {
      labels.put(label.group(1), label.group(2));
    }
    return labels;
  }

  private static double number(String text) {
    if (text == null) {
      return Double.NaN;
    }
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }
}
