package dev.lathe.artifact.storage;

import dev.lathe.artifact.ArtifactException;
import dev.lathe.artifact.manifest.FileDigests;
import dev.lathe.artifact.manifest.ModelFiles;
import dev.lathe.artifact.manifest.ModelPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The files of a model under a prefix of an {@link ArtifactStore}, read where they are. */
public record StoredModel(ArtifactStore store, String prefix) implements ModelFiles {

  @Override
  public List<ModelPath> list(Set<String> ignored) throws IOException {
    List<ModelPath> files = new ArrayList<>();
    String base = prefix.isEmpty() ? "" : prefix + "/";
    for (String key : store.list(prefix)) {
      String relative = key.substring(base.length());
      if (ignored.stream().anyMatch(i -> relative.equals(i) || relative.startsWith(i + "/"))) {
        continue;
      }
      files.add(new ModelPath(relative));
    }
    files.sort(null);
    return files;
  }

  @Override
  public long size(ModelPath path) throws IOException {
    return store
        .size(key(path))
        .orElseThrow(() -> new ArtifactException("missing from " + describe() + ": " + path));
  }

  @Override
  public InputStream open(ModelPath path, long start, long end) throws IOException {
    return store.open(key(path), start, end);
  }

  @Override
  public long digest(ModelPath path, long start, long end, MessageDigest into) throws IOException {
    Optional<Path> local = store.localFile(key(path));
    if (local.isPresent()) {
      return FileDigests.mapped(local.get(), start, end, into);
    }
    return ModelFiles.super.digest(path, start, end, into);
  }

  @Override
  public String describe() {
    return store.uri(prefix);
  }

  private String key(ModelPath path) {
    return ArtifactStore.join(prefix, path.value());
  }
}
