package dev.lathe.artifact.contract;

/** JSON that one side of a pod contract wrote and the other cannot use; the message says where. */
public final class ContractViolation extends IllegalArgumentException {

  public ContractViolation(String message) {
    super(message);
  }
}
