package dev.lathe.operator.rollout.gate;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lathe.api.v1alpha1.EvaluationMetric;

/** A metric's name as the spec spells it (accuracy, latencyP95Ms), for messages. */
final class MetricNames {

  private MetricNames() {}

  static String of(EvaluationMetric metric) {
    try {
      JsonProperty property =
          EvaluationMetric.class.getField(metric.name()).getAnnotation(JsonProperty.class);
      return property == null ? metric.name() : property.value();
    } catch (NoSuchFieldException e) {
      return metric.name();
    }
  }
}
