package dev.lathe.engine.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamedCheckpointTest {

  @TempDir Path dir;

  /** Keeps every byte it is shown, per file, and which files finished. */
  private static class Recorder implements StreamedCheckpoint.Observer {
    final Map<String, ByteArrayOutputStream> seen = new LinkedHashMap<>();
    final List<String> finished = new ArrayList<>();
    Runnable onFirstRead = () -> {};

    @Override
    public void read(String file, ByteBuffer bytes) {
      onFirstRead.run();
      onFirstRead = () -> {};
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      seen.computeIfAbsent(file, f -> new ByteArrayOutputStream()).writeBytes(copy);
    }

    @Override
    public void finished(String file) {
      finished.add(file);
    }
  }

  private static Tensor filled(String name, int count, float value) {
    float[] values = new float[count];
    java.util.Arrays.fill(values, value);
    return Tensor.ofFloats(name, new long[] {count}, values);
  }

  private static Map<String, float[]> streamAll(Path dir, StreamedCheckpoint.Observer observer) {
    Map<String, float[]> tensors = new LinkedHashMap<>();
    new StreamedCheckpoint(dir, observer).forEach(t -> tensors.put(t.name(), t.toFloats()));
    return tensors;
  }

  @Test
  void everyByteOfTheFileIsObservedOnceInOrderAndTheTensorsAreMadeOfThem() throws IOException {
    // 300,000 floats is more than one chunk, so a tensor arrives in several reads.
    Checkpoint.write(
        dir, List.of(filled("b", 300_000, 2f), filled("a", 10, 1f), filled("c", 3, 3f)), 1L << 30);
    Recorder recorder = new Recorder();

    Map<String, float[]> tensors = streamAll(dir, recorder);

    assertThat(recorder.seen.keySet()).containsExactly(Checkpoint.SINGLE_FILE);
    assertThat(recorder.seen.get(Checkpoint.SINGLE_FILE).toByteArray())
        .isEqualTo(Files.readAllBytes(dir.resolve(Checkpoint.SINGLE_FILE)));
    assertThat(recorder.finished).containsExactly(Checkpoint.SINGLE_FILE);
    assertThat(tensors.keySet()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(tensors.get("b")).hasSize(300_000).containsOnly(2f);
    assertThat(tensors.get("c")).containsExactly(3f, 3f, 3f);
  }

  @Test
  void aShardedCheckpointShowsItsIndexAndEveryShardWhole() throws IOException {
    List<Tensor> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      written.add(filled("layers." + i + ".weight", 256, i));
    }
    Checkpoint.write(dir, written, 2048);
    Recorder recorder = new Recorder();

    Map<String, float[]> tensors = streamAll(dir, recorder);

    assertThat(recorder.finished)
        .startsWith(Checkpoint.INDEX_FILE)
        .contains("model-00001-of-00003.safetensors", "model-00003-of-00003.safetensors");
    for (String file : recorder.finished) {
      assertThat(recorder.seen.get(file).toByteArray())
          .as(file)
          .isEqualTo(Files.readAllBytes(dir.resolve(file)));
    }
    assertThat(tensors).hasSize(5);
    assertThat(tensors.get("layers.4.weight")).containsOnly(4f);
  }

  @Test
  void bytesChangedOnDiskDuringTheReadReachTheTensorsOnlyAsTheObserverSawThem() throws IOException {
    Checkpoint.write(dir, List.of(filled("w", 1000, 1f)), 1L << 30);
    Path file = dir.resolve(Checkpoint.SINGLE_FILE);
    byte[] original = Files.readAllBytes(file);
    Recorder recorder = new Recorder();
    // Someone writes into the file after the reader opened it: 2.0f into the last element.
    recorder.onFirstRead =
        () -> {
          try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length() - 4);
            raf.write(new byte[] {0, 0, 0, 0x40});
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        };

    Map<String, float[]> tensors = streamAll(dir, recorder);

    byte[] seen = recorder.seen.get(Checkpoint.SINGLE_FILE).toByteArray();
    assertThat(seen).isNotEqualTo(original);
    assertThat(tensors.get("w")[999]).isEqualTo(2f);
    assertThat(ByteBuffer.wrap(seen, seen.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN))
        .satisfies(last -> assertThat(last.getFloat()).isEqualTo(2f));
  }

  @Test
  void anObserverThatRefusesAFileStopsTheReadWithItsError() {
    Checkpoint.write(dir, List.of(filled("w", 4, 1f)), 1L << 30);
    Recorder refusing =
        new Recorder() {
          @Override
          public void finished(String file) {
            throw new IllegalStateException("refused " + file);
          }
        };

    assertThatThrownBy(() -> streamAll(dir, refusing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("refused model.safetensors");
  }

  @Test
  void aDirectoryWithoutSafetensorsIsRefusedAsTheMappedCheckpointRefusesIt() {
    assertThatThrownBy(() -> streamAll(dir, new Recorder()))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageContaining("has neither model.safetensors nor model.safetensors.index.json");
  }
}
