package dev.lathe.api.schema;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Makes a status schema's {@code conditions} a list-map keyed by {@code type}, as metav1.Condition
 * lists are in Kubernetes' own types: server-side apply then merges two managers' conditions by
 * type instead of one manager's list replacing the other's. Applied by the CRD generator through
 * {@code @SchemaCustomizer} on each status class; a JSON merge patch cannot do it, because it
 * replaces the whole {@code properties} map it touches.
 */
public class ConditionsKeyedByType implements SchemaCustomizer.Customizer {

  /** The property this customizer changes. */
  public static final String CONDITIONS = "conditions";

  /** The key of each condition in the list. */
  public static final String KEY = "type";

  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
    JSONSchemaProps conditions =
        schema.getProperties() == null ? null : schema.getProperties().get(CONDITIONS);
    if (conditions == null || !"array".equals(conditions.getType())) {
      throw new IllegalStateException(
          "@SchemaCustomizer(ConditionsKeyedByType) is on a schema without a conditions list");
    }
    JSONSchemaProps item = conditions.getItems() == null ? null : conditions.getItems().getSchema();
    if (item == null || item.getRequired() == null || !item.getRequired().contains(KEY)) {
      // The API server refuses a list-map whose key may be absent from an item.
      throw new IllegalStateException("conditions' items must require " + KEY);
    }
    conditions.setXKubernetesListType("map");
    conditions.setXKubernetesListMapKeys(List.of(KEY));
    return schema;
  }
}
