package dev.lathe.api.v1alpha1;

import java.util.List;

/** What every Lathe status has: conditions and the generation they describe. */
public interface ConditionedStatus {

  List<Condition> getConditions();

  Long getObservedGeneration();

  void setObservedGeneration(Long observedGeneration);
}
