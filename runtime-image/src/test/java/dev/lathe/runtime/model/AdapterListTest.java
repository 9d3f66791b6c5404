package dev.lathe.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterListTest {

  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void parsesTheEntriesInOrder() {
    AdapterList list =
        AdapterList.parse(
            "{\"adapters\":[{\"name\":\"b\",\"uri\":\"s3://m/b\",\"manifestDigest\":\""
                + DIGEST
                + "\"},{\"name\":\"a.v2\",\"uri\":\"file:///a\",\"manifestDigest\":\""
                + DIGEST
                + "\"}]}",
            "test");

    assertThat(list.adapters())
        .containsExactly(
            new AdapterList.Entry("b", "s3://m/b", DIGEST),
            new AdapterList.Entry("a.v2", "file:///a", DIGEST));
  }

  @Test
  void anEntryMayCarryACanaryWithAWeight() {
    String other = "sha256:" + "cd".repeat(32);
    AdapterList list =
        AdapterList.parse(
            "{\"adapters\":[{\"name\":\"b\",\"uri\":\"s3://m/b1\",\"manifestDigest\":\""
                + DIGEST
                + "\",\"canary\":{\"uri\":\"s3://m/b2\",\"manifestDigest\":\""
                + other
                + "\",\"weight\":25}}]}",
            "test");

    assertThat(list.adapters())
        .containsExactly(
            new AdapterList.Entry(
                "b", "s3://m/b1", DIGEST, new AdapterList.Canary("s3://m/b2", other, 25)));
    assertThat(AdapterList.canaryName("b")).isEqualTo("b@canary");
  }

  @Test
  void aCanaryWeightOutsideZeroToAHundredIsRejected() {
    String other = "sha256:" + "cd".repeat(32);
    String list =
        "{\"adapters\":[{\"name\":\"b\",\"uri\":\"s3://m/b1\",\"manifestDigest\":\""
            + DIGEST
            + "\",\"canary\":{\"uri\":\"s3://m/b2\",\"manifestDigest\":\""
            + other
            + "\",\"weight\":101}}]}";

    assertThatThrownBy(() -> AdapterList.parse(list, "test"))
        .hasMessageContaining("adapters[0].canary: \"weight\" must be an integer from 0 to 100");
  }

  @Test
  void aCanaryThatIsTheStableVersionIsRejected() {
    String list =
        "{\"adapters\":[{\"name\":\"b\",\"uri\":\"s3://m/b1\",\"manifestDigest\":\""
            + DIGEST
            + "\",\"canary\":{\"uri\":\"s3://m/b2\",\"manifestDigest\":\""
            + DIGEST
            + "\",\"weight\":10}}]}";

    assertThatThrownBy(() -> AdapterList.parse(list, "test"))
        .hasMessageContaining("the canary is the stable version");
  }

  @Test
  void anEmptyListIsAList() {
    assertThat(AdapterList.parse("{\"adapters\":[]}", "test").adapters()).isEmpty();
  }

  @Test
  void aNameThatCouldLeaveTheAdaptersDirectoryIsRejected() {
    assertThatThrownBy(() -> AdapterList.parse(list("../etc", "s3://m/x", DIGEST), "test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("adapters[0]: name \"../etc\" must be 1 to 63 letters");
    assertThatThrownBy(() -> AdapterList.parse(list(".hidden", "s3://m/x", DIGEST), "test"))
        .hasMessageContaining("name \".hidden\"");
  }

  @Test
  void aDigestThatIsNotASha256IsRejected() {
    assertThatThrownBy(() -> AdapterList.parse(list("a", "s3://m/x", "sha256:ABC"), "test"))
        .hasMessageContaining("manifestDigest \"sha256:ABC\" is not sha256: and 64 lowercase hex");
  }

  @Test
  void aNameListedTwiceIsRejected() {
    String entry = "{\"name\":\"a\",\"uri\":\"s3://m/a\",\"manifestDigest\":\"" + DIGEST + "\"}";
    assertThatThrownBy(
            () -> AdapterList.parse("{\"adapters\":[" + entry + "," + entry + "]}", "test"))
        .hasMessageContaining("adapters[1]: name \"a\" is listed twice");
  }

  @Test
  void aMissingFieldOrShapeIsNamed() {
    assertThatThrownBy(() -> AdapterList.parse("{\"adapters\":[{\"name\":\"a\"}]}", "test"))
        .hasMessageContaining("adapters[0]: \"uri\" must be a non-empty string");
    assertThatThrownBy(() -> AdapterList.parse("[]", "f.json"))
        .hasMessage("adapter list f.json must be an object with an \"adapters\" array");
    assertThatThrownBy(() -> AdapterList.parse("{", "f.json"))
        .hasMessageContaining("adapter list f.json is not JSON");
  }

  @Test
  void aMissingFileSaysWhere(@TempDir Path dir) {
    assertThatThrownBy(() -> AdapterList.read(dir.resolve("adapters.json")))
        .hasMessage("no adapter list at " + dir.resolve("adapters.json"));
  }

  private static String list(String name, String uri, String digest) {
    return "{\"adapters\":[{\"name\":\""
        + name
        + "\",\"uri\":\""
        + uri
        + "\",\"manifestDigest\":\""
        + digest
        + "\"}]}";
  }
}
