package dev.lathe.operator.checks;

import dev.lathe.operator.status.Problem;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;

/** Checks resource quantities, which the CRD schema can only type as int-or-string. */
public final class QuantityCheck {

  private QuantityCheck() {}

  /** Problems with a positive quantity at {@code field}; none when it is absent. */
  public static List<Problem> positive(String field, Quantity quantity) {
    if (quantity == null) {
      return List.of();
    }
    String text = quantity.toString();
    BigDecimal amount;
    try {
      amount = Quantity.getAmountInBytes(Quantity.parse(text));
    } catch (IllegalArgumentException | ArithmeticException e) {
      amount = null;
    }
    if (amount == null) {
      return List.of(
          Problem.inSpec(
              field
                  + ": \""
                  + text
                  + "\" is not a Kubernetes quantity (for example 500m, 8, 64Gi)"));
    }
    if (amount.signum() <= 0) {
      return List.of(Problem.inSpec(field + ": \"" + text + "\" must be greater than zero"));
    }
    return List.of();
  }
}
