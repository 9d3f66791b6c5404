package dev.lathe.artifact.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelHasherTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> names(JsonNode statement) {
    List<String> names = new ArrayList<>();
    statement.path("predicate").path("resources").forEach(r -> names.add(r.path("name").asText()));
    return names;
  }

  @Test
  void filesManifestOfTheGoldenModelHasModelSigningsRootDigestAndOrder() throws Exception {
    JsonNode golden = JSON.readTree(Golden.read("statement-files.json"));

    Manifest manifest = ModelHasher.files().hash(Golden.MODEL, Set.of());

    assertThat(HexFormat.of().formatHex(manifest.subjectDigest()))
        .isEqualTo(golden.path("subject").path(0).path("digest").path("sha256").asText());
    assertThat(manifest.resources())
        .extracting(Resource::name)
        .containsExactlyElementsOf(names(golden));
  }

  @Test
  void shardsManifestOfTheGoldenModelHasModelSigningsRootDigestAndOrder() throws Exception {
    JsonNode golden = JSON.readTree(Golden.read("statement-shards-1024.json"));

    Manifest manifest = ModelHasher.shards(1024).hash(Golden.MODEL, Set.of());

    assertThat(HexFormat.of().formatHex(manifest.subjectDigest()))
        .isEqualTo(golden.path("subject").path(0).path("digest").path("sha256").asText());
    assertThat(manifest.resources())
        .extracting(Resource::name)
        .containsExactlyElementsOf(names(golden));
    assertThat(manifest.resourceAlgorithm()).isEqualTo("sha256-sharded-1024");
  }

  @Test
  void shardsCoverEveryByteOfALargeFileAndHashInParallelAsSequentially(@TempDir Path dir)
      throws Exception {
    byte[] weights = new byte[10_000_017];
    new Random(7).nextBytes(weights);
    Files.write(dir.resolve("model.safetensors"), weights);

    Manifest parallel = new ModelHasher(Serialization.SHARDS, 1_000_000, 4).hash(dir, Set.of());
    Manifest sequential = new ModelHasher(Serialization.SHARDS, 1_000_000, 1).hash(dir, Set.of());

    assertThat(parallel.resources()).hasSize(11);
    assertThat(parallel.resources().get(10).name())
        .isEqualTo("model.safetensors:10000000:10000017");
    assertThat(parallel.totalBytes()).isEqualTo(weights.length);
    assertThat(parallel.subjectDigest()).isEqualTo(sequential.subjectDigest());
    MessageDigest firstShard = MessageDigest.getInstance("SHA-256");
    firstShard.update(weights, 0, 1_000_000);
    assertThat(parallel.resources().get(0).sha256()).isEqualTo(firstShard.digest());
  }

  @Test
  void symbolicLinkInAModelIsRefusedNamingIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.createSymbolicLink(dir.resolve("weights.safetensors"), dir.resolve("config.json"));

    assertThatThrownBy(() -> ModelHasher.files().hash(dir, Set.of()))
        .isInstanceOf(ArtifactException.class)
        .hasMessage("symbolic links are not allowed in a model: weights.safetensors");
  }

  @Test
  void ignoredPathsAndDirectoriesAreLeftOut(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.writeString(dir.resolve("model.sig"), "sig");
    Files.createDirectories(dir.resolve("lathe"));
    Files.writeString(dir.resolve("lathe/statement.json"), "{}");

    Manifest manifest = ModelHasher.files().hash(dir, Set.of("model.sig", "lathe"));

    assertThat(manifest.resources()).extracting(Resource::name).containsExactly("config.json");
    assertThat(manifest.ignoredPaths()).containsExactly("lathe", "model.sig");
  }

  @Test
  void pathsThatCouldEscapeTheModelDirectoryAreRefused() {
    for (String bad :
        List.of("../etc/passwd", "/etc/passwd", "a//b", "a/./b", "a\\b", "", "C:/x")) {
      assertThatThrownBy(() -> new ModelPath(bad)).as(bad).isInstanceOf(ArtifactException.class);
    }
    assertThat(new ModelPath("tokenizer/special_tokens_map.json"))
        .isLessThan(new ModelPath("tokenizer.json"));
  }
}
