package dev.lathe.api.validation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads multi-document YAML manifest files. */
public final class ManifestFiles {

  private static final ObjectMapper YAML = YAMLMapper.builder().build();

  private ManifestFiles() {}

  /** Every non-empty document in the file, in order. */
  public static List<JsonNode> documents(Path file) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNextValue()) {
        JsonNode document = it.nextValue();
        if (document != null && !document.isNull() && !document.isEmpty()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  /** The *.yaml and *.yml files directly in a folder, sorted by name. */
  public static List<Path> in(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value of a "# key: value" header comment, or null. */
  public static String header(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("# " + key + ":")) {
          return line.substring(key.length() + 3).trim();
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
