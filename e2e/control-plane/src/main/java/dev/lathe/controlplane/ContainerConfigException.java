package dev.lathe.controlplane;

/**
 * A container cannot be set up yet: a Secret or ConfigMap it reads, or one of their keys, is
 * missing. A real kubelet keeps such a pod Pending with reason {@code CreateContainerConfigError}
 * and tries again, and so does the local one.
 */
final class ContainerConfigException extends Exception {
  ContainerConfigException(String message) {
    super(message);
  }
}
