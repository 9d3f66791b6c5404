package dev.lathe.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.api.validation.ManifestFiles;
import dev.lathe.api.validation.ManifestValidator;
import dev.lathe.api.validation.ProjectLayout;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The immutability rules refuse real changes only: the fields meant to change still can. */
class AllowedUpdatesTest {

  private static final ManifestValidator VALIDATOR = ManifestValidator.forProjectCrds();

  private static JsonNode example(String file) {
    return ManifestFiles.documents(ProjectLayout.examples().resolve(file)).get(0);
  }

  @Test
  void fineTuneJobMayBeSuspendedAndRequeuedAfterCreation() {
    JsonNode stored = example("finetunejob-llama-lora.yaml");
    ObjectNode changed = (ObjectNode) stored.deepCopy();
    ((ObjectNode) changed.path("spec")).put("suspend", true).put("queueName", "gpu-team-a");
    assertThat(VALIDATOR.validateUpdate(stored, changed)).isEmpty();
  }

  @Test
  void modelVersionMayChangeLabelsButNotSpec() {
    JsonNode stored = example("modelversion-base-import.yaml");
    ObjectNode relabelled = (ObjectNode) stored.deepCopy();
    ((ObjectNode) relabelled.path("metadata").path("labels")).put("team", "platform");
    assertThat(VALIDATOR.validateUpdate(stored, relabelled)).isEmpty();
  }

  @Test
  void modelDeploymentMayMoveToANewVersion() {
    JsonNode stored = example("modeldeployment-canary.yaml");
    ObjectNode changed = (ObjectNode) stored.deepCopy();
    ((ObjectNode) changed.path("spec")).put("modelVersion", "support-bot-v4");
    assertThat(VALIDATOR.validateUpdate(stored, changed)).isEmpty();
  }
}
