package dev.lathe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.storage.ArtifactStore;
import dev.lathe.artifact.verify.ArtifactVerifier;
import dev.lathe.artifact.verify.TrustPolicy;
import dev.lathe.artifact.verify.VerificationException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lathe lineage}: walks a model back through its signed provenance to the base model it was
 * trained from, verifying every artifact on the way.
 */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description = {
      "Show where a model came from, verifying every artifact on the way.",
      "Each artifact, the job that trained it, its dataset and trainer image by digest, back"
          + " to a base model without provenance."
    })
final class LineageCommand implements Callable<Integer> {

  private static final int MAX_DEPTH = 32;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "URI|DIR|mv/NAME",
      description =
          "s3://BUCKET/PREFIX, file:///PATH, a directory, or mv/NAME: a ModelVersion of the"
              + " namespace, read through the kubeconfig with its storage settings and"
              + " credentials.")
  String location;

  @Option(
      names = "--kubeconfig",
      description = "The kubeconfig for mv/NAME (default: $KUBECONFIG or ~/.kube/config).")
  java.nio.file.Path kubeconfig;

  @Option(
      names = "--volume-root",
      description =
          "Where this machine sees the cluster's PersistentVolumeClaims, as ROOT/NAMESPACE/CLAIM,"
              + " for pvc:// artifacts (the local cluster's: ~/.cache/lathe/local/kubelet/volumes).")
  java.nio.file.Path volumeRoot;

  /** Set when the chain starts at mv/NAME: resolves cluster-known artifacts along the way. */
  private ClusterModelVersions cluster;

  @Mixin TrustOptions trust;

  @Mixin Locations locations;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "tree",
      description = "tree, json or dot.")
  String output;

  /** One verified artifact in the chain. */
  record Node(String uri, String manifestDigest, String keyId, Optional<Provenance> provenance) {}

  @Override
  public Integer call() throws Exception {
    String start = location;
    io.fabric8.kubernetes.client.KubernetesClient client = null;
    if (ClusterModelVersions.names(location)) {
      io.fabric8.kubernetes.client.Config config =
          kubeconfig == null
              ? io.fabric8.kubernetes.client.Config.autoConfigure(null)
              : io.fabric8.kubernetes.client.Config.fromKubeconfig(
                  java.nio.file.Files.readString(kubeconfig));
      client =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
      String namespace =
          trust.namespace != null
              ? trust.namespace
              : Optional.ofNullable(config.getNamespace()).orElse("default");
      trust.namespace = namespace;
      cluster = new ClusterModelVersions(client, namespace, Optional.ofNullable(volumeRoot));
      start = cluster.uriOf(location);
    }
    List<Node> chain;
    try {
      chain = walk(start, trust.policy());
    } finally {
      if (client != null) {
        client.close();
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case "json" ->
          out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(chain)));
      case "dot" -> out.print(dot(chain));
      case "tree" -> out.print(tree(chain));
      default ->
          throw new IllegalArgumentException(
              "unknown output " + output + ": use tree, json or dot");
    }
    return ExitCodes.OK;
  }

  /**
   * Verifies each artifact once, from {@code start} back along base-model dependencies, and checks
   * that each parent holds the model its child's provenance names.
   */
  List<Node> walk(String start, TrustPolicy policy) {
    List<Node> chain = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String next = start;
    Provenance.Dependency expected = null;
    while (next != null) {
      if (chain.size() >= MAX_DEPTH || !seen.add(next)) {
        throw new IllegalArgumentException(
            "lineage loops or is deeper than " + MAX_DEPTH + " at " + next);
      }
      String at = next;
      ArtifactStore store =
          Optional.ofNullable(cluster).flatMap(c -> c.open(at)).orElseGet(() -> locations.open(at));
      try {
        ArtifactVerifier.Verified verified =
            new ArtifactVerifier(policy).verify(store, "", trust.namespace);
        Node node =
            new Node(
                store.uri(""), verified.manifestDigest(), verified.keyId(), verified.provenance());
        if (expected != null && !("sha256:" + expected.sha256()).equals(node.manifestDigest())) {
          Node child = chain.get(chain.size() - 1);
          throw new VerificationException(
              VerificationException.Failure.PROVENANCE_MISMATCH,
              expected.uri(),
              "the provenance of "
                  + child.uri()
                  + " names base model sha256:"
                  + expected.sha256()
                  + " at "
                  + expected.uri()
                  + ", which holds another model");
        }
        chain.add(node);
        expected =
            verified.provenance().flatMap(p -> p.dependency(Provenance.BASE_MODEL)).orElse(null);
        next = expected == null ? null : expected.uri();
      } finally {
        Locations.close(store);
      }
    }
    return chain;
  }

  static ObjectNode json(List<Node> chain) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode nodes = root.putArray("lineage");
    for (Node node : chain) {
      ObjectNode n = nodes.addObject();
      n.put("uri", node.uri());
      n.put("manifestDigest", node.manifestDigest());
      n.put("signedBy", node.keyId());
      node.provenance()
          .ifPresent(
              p -> {
                ObjectNode job = n.putObject("fineTuneJob");
                job.put("namespace", p.fineTuneJob().namespace());
                job.put("name", p.fineTuneJob().name());
                job.put("uid", p.fineTuneJob().uid());
                ArrayNode dependencies = n.putArray("dependencies");
                p.dependencies()
                    .forEach(
                        d ->
                            dependencies
                                .addObject()
                                .put("name", d.name())
                                .put("uri", d.uri())
                                .put("sha256", d.sha256()));
                n.put("builder", p.builderId());
                n.put("finishedOn", p.finishedOn().toString());
              });
    }
    return root;
  }

  static String tree(List<Node> chain) {
    StringBuilder out = new StringBuilder();
    String indent = "";
    for (Node node : chain) {
      out.append(indent).append(indent.isEmpty() ? "" : "└─ ").append(node.uri()).append('\n');
      String detail = indent + (indent.isEmpty() ? "   " : "      ");
      out.append(detail)
          .append("manifest ")
          .append(node.manifestDigest())
          .append("  signed by ")
          .append(node.keyId(), 0, 16)
          .append("…\n");
      node.provenance()
          .ifPresentOrElse(
              p -> {
                out.append(detail)
                    .append("trained by FineTuneJob ")
                    .append(p.fineTuneJob().namespace())
                    .append('/')
                    .append(p.fineTuneJob().name())
                    .append(" (uid ")
                    .append(p.fineTuneJob().uid())
                    .append(") on ")
                    .append(p.finishedOn())
                    .append('\n');
                p.dependencies().stream()
                    .filter(d -> !d.name().equals(Provenance.BASE_MODEL))
                    .forEach(
                        d ->
                            out.append(detail)
                                .append(d.name())
                                .append(' ')
                                .append(d.uri())
                                .append(
                                    d.sha256().isEmpty()
                                        ? " (not pinned by digest)"
                                        : " sha256:" + d.sha256())
                                .append('\n'));
              },
              () -> out.append(detail).append("base model (no provenance)\n"));
      indent = indent + "   ";
    }
    return out.toString();
  }

  static String dot(List<Node> chain) {
    StringBuilder out = new StringBuilder("digraph lineage {\n  rankdir=BT;\n");
    for (int i = 0; i < chain.size(); i++) {
      Node node = chain.get(i);
      out.append("  n")
          .append(i)
          .append(" [shape=box,label=\"")
          .append(node.uri())
          .append("\\n")
          .append(node.manifestDigest(), 0, 19)
          .append("\"];\n");
      final int index = i;
      node.provenance()
          .ifPresent(
              p ->
                  p.dependencies().stream()
                      .filter(d -> !d.name().equals(Provenance.BASE_MODEL))
                      .forEach(
                          d ->
                              out.append("  d")
                                  .append(index)
                                  .append('_')
                                  .append(d.name().replace('-', '_'))
                                  .append(" [shape=note,label=\"")
                                  .append(d.name())
                                  .append("\\n")
                                  .append(d.uri())
                                  .append("\"];\n")
                                  .append("  d")
                                  .append(index)
                                  .append('_')
                                  .append(d.name().replace('-', '_'))
                                  .append(" -> n")
                                  .append(index)
                                  .append(";\n")));
      if (i + 1 < chain.size()) {
        out.append("  n")
            .append(i + 1)
            .append(" -> n")
            .append(i)
            .append(" [label=\"fine-tuned into\"];\n");
      }
    }
    return out.append("}\n").toString();
  }
}
