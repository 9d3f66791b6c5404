package dev.lathe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.api.validation.ManifestFiles;
import dev.lathe.api.validation.ProjectLayout;
import dev.lathe.controlplane.ControlPlaneExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRDs behave on a real kube-apiserver as the offline validator says: every example
 * is accepted, and every manifest under src/test/resources/invalid is refused with the field and
 * the message of its "# expect:" header. Unknown fields are refused as kubectl's default strict
 * field validation refuses them.
 */
@ExtendWith(ControlPlaneExtension.class)
class CrdsOnApiServerIT {

  private static final String EXAMPLES = "examples-it";
  private static final String INVALID = "invalid-manifests-it";

  @BeforeAll
  static void createNamespaces(KubernetesClient client) {
    for (String name : List.of(EXAMPLES, INVALID)) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  static List<Path> examples() {
    return ManifestFiles.in(ProjectLayout.examples());
  }

  static List<Path> invalidManifests() throws URISyntaxException {
    return InvalidManifestsTest.invalidManifests();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleIsAcceptedByTheApiServer(Path example, KubernetesClient client) throws IOException {
    for (GenericKubernetesResource document : documents(client, example)) {
      document.getMetadata().setNamespace(EXAMPLES);
      GenericKubernetesResource created =
          client.resource(document).fieldValidation(Validation.STRICT).create();
      assertThat(created.getMetadata().getUid()).isNotBlank();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidManifests")
  void invalidManifestIsRefusedByTheApiServerNamingTheField(Path manifest, KubernetesClient client)
      throws IOException {
    String expected = ManifestFiles.header(manifest, "expect");
    List<GenericKubernetesResource> documents = documents(client, manifest);
    String name = manifest.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    documents.forEach(
        d -> {
          d.getMetadata().setName(name);
          d.getMetadata().setNamespace(INVALID);
        });

    GenericKubernetesResource refused;
    if (ManifestFiles.header(manifest, "update") != null) {
      GenericKubernetesResource stored =
          client.resource(documents.get(0)).fieldValidation(Validation.STRICT).create();
      refused = documents.get(1);
      refused.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
      assertThatThrownBy(() -> client.resource(refused).fieldValidation(Validation.STRICT).update())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertRefusal(e, expected));
    } else {
      refused = documents.get(0);
      assertThatThrownBy(() -> client.resource(refused).fieldValidation(Validation.STRICT).create())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertRefusal(e, expected));
    }
  }

  /**
   * The API server words schema errors its own way ("should be less than or equal to"), so the
   * header is matched as field path plus, for CEL rules, the rule's own message.
   */
  private static void assertRefusal(KubernetesClientException e, String expected) {
    assertThat(e.getCode()).as(e.getMessage()).isIn(400, 422);
    String field = expected;
    String message = "";
    int colon = expected.indexOf(": ");
    if (colon > 0) {
      field = expected.substring(0, colon);
      message = expected.substring(colon + 2);
    }
    assertThat(e.getMessage()).contains(field).contains(message);
  }

  private static List<GenericKubernetesResource> documents(KubernetesClient client, Path file)
      throws IOException {
    return Arrays.stream(Files.readString(file).split("(?m)^---\\s*$"))
        .filter(d -> d.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
        .map(d -> client.getKubernetesSerialization().unmarshal(d, GenericKubernetesResource.class))
        .toList();
  }
}
