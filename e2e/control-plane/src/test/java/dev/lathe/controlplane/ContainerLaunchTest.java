package dev.lathe.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerLaunchTest {

  private static final Path VOLUMES = Path.of("/node/volumes/demo");

  @Test
  void theDirectoryHoldingANamespacesClaimsMapsToTheirLocalParentSoAClaimsRootResolves() {
    Map<String, Path> mounts = new LinkedHashMap<>();
    mounts.put("/mnt/lathe/volumes/models", VOLUMES.resolve("models"));
    mounts.put("/mnt/lathe/volumes/datasets", VOLUMES.resolve("datasets"));

    Map<String, Path> roots = ContainerLaunch.mountRoots(mounts);
    mounts.putAll(roots);

    assertThat(roots).containsExactly(Map.entry("/mnt/lathe/volumes", VOLUMES));
    assertThat(new MountPathRewriter(mounts).rewrite("LATHE_CLAIMS_ROOT=/mnt/lathe/volumes"))
        .isEqualTo("LATHE_CLAIMS_ROOT=" + VOLUMES);
    assertThat(new MountPathRewriter(mounts).rewrite("/mnt/lathe/volumes/models/tiny-base"))
        .isEqualTo(VOLUMES.resolve("models").resolve("tiny-base").toString());
  }

  @Test
  void mountsThatLiveApartOrWhoseNamesDifferGiveTheirParentNoDirectory() {
    Map<String, Path> apart = new LinkedHashMap<>();
    apart.put("/data/a", Path.of("/one/a"));
    apart.put("/data/b", Path.of("/two/b"));
    Map<String, Path> renamed = Map.of("/models", Path.of("/node/pods/x/volumes/model-dir"));
    Map<String, Path> mountedParent = new LinkedHashMap<>();
    mountedParent.put("/srv", Path.of("/node/srv"));
    mountedParent.put("/srv/site", Path.of("/node/srv/site"));

    assertThat(ContainerLaunch.mountRoots(apart)).isEmpty();
    assertThat(ContainerLaunch.mountRoots(renamed)).isEmpty();
    assertThat(ContainerLaunch.mountRoots(mountedParent)).isEmpty();
  }
}
