package dev.lathe.cli.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The platform team's part: a signing key for the operator, kept in a Secret in its namespace, and
 * its public half in the trust policy every verifier reads. The key is made once per state
 * directory and kept, so models signed in an earlier run still verify.
 */
final class TrustStep implements StoryStep {

  @Override
  public String title() {
    return "the operator's signing key (Secret) and trust policy (ConfigMap) in "
        + OperatorProcess.NAMESPACE;
  }

  @Override
  public List<String> watch(StoryContext story) {
    return List.of("kubectl get secret,configmap -n " + OperatorProcess.NAMESPACE);
  }

  @Override
  public void run(StoryContext story) throws Exception {
    Path privateKey = story.target().signingKey();
    Path publicKey = story.target().trustedKey();
    Path keys = privateKey.getParent();
    Files.createDirectories(keys);
    if (!Files.isRegularFile(privateKey) || !Files.isRegularFile(publicKey)) {
      String keyId =
          story.lathe(
              "keys",
              "generate",
              "--private-key",
              privateKey.toString(),
              "--public-key",
              publicKey.toString());
      story.narrator().detail("new key " + keyId.strip() + " in " + keys);
    } else {
      story
          .narrator()
          .detail(
              "key " + story.lathe("keys", "id", publicKey.toString()).strip() + " from " + keys);
    }
    String namespace = OperatorProcess.NAMESPACE;
    var client = story.client();
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("lathe-signing-key")
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData("signing-key.pem", Files.readString(privateKey))
                .build())
        .forceConflicts()
        .serverSideApply();
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("lathe-trust-policy")
                .withNamespace(namespace)
                .endMetadata()
                .addToData("operator.pem", Files.readString(publicKey))
                .build())
        .forceConflicts()
        .serverSideApply();
  }
}
