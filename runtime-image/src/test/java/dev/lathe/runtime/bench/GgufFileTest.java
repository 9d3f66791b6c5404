package dev.lathe.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

  @TempDir Path temp;
  Path model;
  Path cache;
  Path runs;
  String convert;

  @BeforeEach
  void setUp() throws Exception {
    model = Files.createDirectories(temp.resolve("bench-model"));
    Files.writeString(model.resolve("model.safetensors"), "weights");
    cache = temp.resolve("gguf");
    runs = temp.resolve("runs");
    // Stands in for bench_llamacpp_convert.py: writes OUTTYPE into OUT_FILE and counts its runs.
    convert = "f() { echo \"$3 of $1\" > \"$2\"; echo run >> '" + runs + "'; }; f";
  }

  @Test
  void convertsOnceAndReusesTheFileWhileTheWeightsAreOlder() throws Exception {
    Path first = GgufFile.ensure(convert, model, cache, "f32");
    Path second = GgufFile.ensure(convert, model, cache, "f32");

    assertThat(first).isEqualTo(cache.resolve("bench-model-f32.gguf")).isEqualTo(second);
    assertThat(Files.readString(first)).isEqualTo("f32 of " + model + "\n");
    assertThat(Files.readAllLines(runs)).hasSize(1);
    assertThat(cache.resolve("bench-model-f32.gguf.partial")).doesNotExist();
  }

  @Test
  void convertsAgainWhenTheWeightsAreNewerThanTheFile() throws Exception {
    Path gguf = GgufFile.ensure(convert, model, cache, "q8_0");
    Files.setLastModifiedTime(gguf, FileTime.from(Instant.now().minusSeconds(60)));

    GgufFile.ensure(convert, model, cache, "q8_0");

    assertThat(Files.readAllLines(runs)).hasSize(2);
  }

  @Test
  void aFailedConversionNamesItsLogAndLeavesNoFile() {
    assertThatThrownBy(() -> GgufFile.ensure("echo cannot convert; false", model, cache, "f32"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bench-model-f32.gguf.log");
    assertThat(cache.resolve("bench-model-f32.gguf")).doesNotExist();
  }

  @Test
  void aDirectoryWithoutWeightsIsRefused() {
    assertThatThrownBy(() -> GgufFile.ensure(convert, temp, cache, "f32"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no model.safetensors");
  }
}
