package dev.lathe.cli.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * The cluster a story plays on, and what the story needs of it besides its API: the local sandbox's
 * own, or a cluster where Lathe is already installed ({@code lathe story}).
 *
 * @param client the cluster's API, as the kubeconfig reaches it
 * @param kubeconfig that kubeconfig, for the {@code lathe} commands the story types
 * @param volumes where the cluster's claims are seen from here, as ROOT/NAMESPACE/CLAIM: the story
 *     writes its datasets and the base model there, as a team uploads them
 * @param signingKey the PEM private key the base model is signed with; its public half must be
 *     trusted in the story's namespace
 * @param trustedKey the operator's public key (PEM), which the lineage is verified against
 * @param scratch a directory of this run's own for logs of what the story runs on this machine
 * @param trainerJar the trainer jar, whose tiny base model the story pretrains once
 */
record StoryTarget(
    KubernetesClient client,
    Path kubeconfig,
    Path volumes,
    Path signingKey,
    Path trustedKey,
    Path scratch,
    Path trainerJar) {

  /** The local sandbox: its cluster, its node's claims, the key pair its trust step makes. */
  static StoryTarget sandbox(KubernetesClient client, SandboxLayout layout) {
    return new StoryTarget(
        client,
        layout.kubeconfig(),
        layout.volumes(),
        layout.keys().resolve("signing.pem"),
        layout.keys().resolve("signing.pub"),
        layout.state(),
        layout.trainerJar());
  }

  /** The story namespace's claims, as CLAIM/PATH below this directory. */
  Path claims() {
    return volumes.resolve(StoryContext.NAMESPACE);
  }
}
