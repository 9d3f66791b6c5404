package dev.lathe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.api.validation.ManifestFiles;
import dev.lathe.api.validation.ProjectLayout;
import dev.lathe.controlplane.ControlPlaneExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
  private static final String MERGE = "conditions-merge-it";

  @BeforeAll
  static void createNamespaces(KubernetesClient client) {
    for (String name : List.of(EXAMPLES, INVALID, MERGE)) {
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
   * Conditions are a list-map keyed by type: a second field manager's condition survives the
   * operator's next apply, and the operator's apply changes only the conditions it owns. With an
   * atomic list, the forced apply would take the whole list and drop the other manager's entry.
   */
  @Test
  void twoManagersConditionsMergeByTypeUnderServerSideApply(KubernetesClient client)
      throws IOException {
    GenericKubernetesResource version =
        documents(client, ProjectLayout.examples().resolve("modelversion-base-import.yaml")).get(0);
    version.getMetadata().setNamespace(MERGE);
    client.resource(version).create();

    applyConditions(client, version, "lathe-operator", condition("Accepted", "True", "Valid"));
    applyConditions(client, version, "policy-agent", condition("Audited", "True", "Reviewed"));
    applyConditions(
        client,
        version,
        "lathe-operator",
        condition("Accepted", "True", "Valid"),
        condition("Verified", "False", "SignatureMissing"));

    GenericKubernetesResource stored =
        client
            .genericKubernetesResources(version.getApiVersion(), version.getKind())
            .inNamespace(MERGE)
            .withName(version.getMetadata().getName())
            .get();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> conditions =
        (List<Map<String, Object>>)
            ((Map<String, Object>) stored.getAdditionalProperties().get("status"))
                .get("conditions");
    assertThat(conditions)
        .extracting(c -> c.get("type") + "=" + c.get("reason"))
        .containsExactlyInAnyOrder(
            "Accepted=Valid", "Audited=Reviewed", "Verified=SignatureMissing");
  }

  @SafeVarargs
  private static void applyConditions(
      KubernetesClient client,
      GenericKubernetesResource version,
      String manager,
      Map<String, Object>... conditions) {
    GenericKubernetesResource patch = new GenericKubernetesResource();
    patch.setApiVersion(version.getApiVersion());
    patch.setKind(version.getKind());
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(version.getMetadata().getName())
            .withNamespace(MERGE)
            .build());
    patch.setAdditionalProperty("status", Map.of("conditions", List.of(conditions)));
    client
        .resource(patch)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager(manager)
                .withForce(true)
                .build());
  }

  private static Map<String, Object> condition(String type, String status, String reason) {
    return Map.of(
        "type", type,
        "status", status,
        "reason", reason,
        "message", type + " is " + status + " because " + reason,
        "lastTransitionTime", "2026-12-01T19:30:00Z");
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
