package dev.lathe.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/*.md leads somewhere: to a file or directory of the
 * repository, and, with a {@code #fragment} into a Markdown page, to one of its headings.
 */
class DocumentationLinksTest {

  private static final Path REPOSITORY = SandboxSignalsIT.repository();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyRelativeLinkInTheReadmeAndTheDocsResolvesToAFileAndHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      for (String link : links(page)) {
        broken.addAll(brokenReason(page, link).stream().map(r -> page + ": " + r).toList());
      }
    }
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void aLinkToAMissingFileOrHeadingIsReportedAsBroken() throws IOException {
    Path readme = REPOSITORY.resolve("README.md");

    assertThat(brokenReason(readme, "docs/no-such-page.md")).isNotEmpty();
    assertThat(brokenReason(readme, "docs/sandbox.md#no-such-heading")).isNotEmpty();
    assertThat(brokenReason(readme, "docs/sandbox.md")).isEmpty();
    assertThat(brokenReason(readme, "https://example.com/anything")).isEmpty();
  }

  @Test
  void headingsBecomeGitHubsAnchors() {
    assertThat(anchor("## Install the CRDs and run the operator against a cluster"))
        .isEqualTo("install-the-crds-and-run-the-operator-against-a-cluster");
    assertThat(anchor("### Tests of the chart (`e2e/helm/`)"))
        .isEqualTo("tests-of-the-chart-e2ehelm");
    assertThat(anchor("## End-to-end suite against a cluster"))
        .isEqualTo("end-to-end-suite-against-a-cluster");
  }

  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(REPOSITORY.resolve("README.md")));
    try (Stream<Path> docs = Files.list(REPOSITORY.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** The link targets of a page, outside code blocks (where "](" is code, not a link). */
  private static List<String> links(Path page) throws IOException {
    List<String> links = new ArrayList<>();
    boolean code = false;
    for (String line : Files.readAllLines(page)) {
      if (line.strip().startsWith("```")) {
        code = !code;
        continue;
      }
      if (!code) {
        Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", ""));
        while (link.find()) {
          links.add(link.group(1));
        }
      }
    }
    return links;
  }

  private static List<String> brokenReason(Path page, String link) throws IOException {
    if (link.matches("^[a-z]+:.*")) {
      return List.of(); // http:, https:, mailto: are not the repository's to check
    }
    int hash = link.indexOf('#');
    String path = hash < 0 ? link : link.substring(0, hash);
    Path target = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
    if (!target.startsWith(REPOSITORY)) {
      return List.of(link + " leads outside the repository");
    }
    if (!Files.exists(target)) {
      return List.of(link + ": no such file");
    }
    if (hash >= 0 && target.toString().endsWith(".md")) {
      String fragment = link.substring(hash + 1);
      if (Files.readAllLines(target).stream()
          .filter(l -> l.startsWith("#"))
          .map(DocumentationLinksTest::anchor)
          .noneMatch(fragment::equals)) {
        return List.of(link + ": no heading with anchor #" + fragment + " in " + target);
      }
    }
    return List.of();
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
  static String anchor(String heading) {
    return heading
        .replaceFirst("^#+\\s*", "")
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }
}
