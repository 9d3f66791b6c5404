package dev.lathe.operator.references;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.v1alpha1.ModelDeployment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ModelVersionReferencesTest {

  @Test
  void aPrimaryMapsToTheModelVersionsItNamesInItsOwnNamespaceWithoutAnyEventHavingArrived() {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName("chat").withNamespace("team-a").build());

    var mapper =
        ModelVersionReferences.<ModelDeployment>referencedBy(
            p -> Stream.of("base", null, "adapter", "base"));

    assertThat(mapper.toSecondaryResourceIDs(md))
        .containsExactlyInAnyOrder(
            new ResourceID("base", "team-a"), new ResourceID("adapter", "team-a"));
  }
}
