package dev.lathe.cli.sandbox;

import java.util.List;

/** Anyone's audit: the published version's lineage, every artifact verified, back to the base. */
final class LineageStep implements StoryStep {

  private final String name;

  LineageStep(String name) {
    this.name = name;
  }

  @Override
  public String title() {
    return "lathe lineage of ModelVersion " + name + ", verified back to the base";
  }

  @Override
  public List<String> watch(StoryContext story) {
    return List.of(String.join(" ", command(story)));
  }

  @Override
  public void run(StoryContext story) {
    List<String> command = command(story);
    String tree = story.lathe(command.subList(1, command.size()).toArray(String[]::new));
    tree.lines().forEach(line -> story.narrator().detail(line));
  }

  private List<String> command(StoryContext story) {
    return List.of(
        "cli/bin/lathe",
        "lineage",
        "mv/" + name,
        "--namespace",
        StoryContext.NAMESPACE,
        "--kubeconfig",
        story.target().kubeconfig().toString(),
        "-k",
        story.target().trustedKey().toString(),
        "--volume-root",
        story.target().volumes().toString());
  }
}
