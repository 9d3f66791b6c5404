package dev.lathe.cli.status;

import java.util.Locale;

/** A resource named on the command line as {@code KIND/NAME}, kubectl's way. */
public record ResourceRef(Kind kind, String name) {

  /** The three kinds {@code lathe status} shows, with kubectl's spellings of each. */
  public enum Kind {
    FINE_TUNE_JOB("FineTuneJob", "ftj", "finetunejob", "finetunejobs"),
    MODEL_VERSION("ModelVersion", "mv", "modelversion", "modelversions"),
    MODEL_DEPLOYMENT("ModelDeployment", "md", "modeldeployment", "modeldeployments");

    private final String displayName;
    private final String[] spellings;

    Kind(String displayName, String... spellings) {
      this.displayName = displayName;
      this.spellings = spellings;
    }

    public String displayName() {
      return displayName;
    }

    static Kind of(String spelling) {
      String lower = spelling.toLowerCase(Locale.ROOT);
      for (Kind kind : values()) {
        for (String candidate : kind.spellings) {
          if (candidate.equals(lower) || (candidate + ".lathe.dev").equals(lower)) {
            return kind;
          }
        }
      }
      throw new IllegalArgumentException(
          "unknown kind '" + spelling + "': use ftj/NAME, mv/NAME or md/NAME");
    }
  }

  /** Parses {@code ftj/NAME}, {@code mv/NAME} or {@code md/NAME} (and the long kind names). */
  public static ResourceRef parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not KIND/NAME: use ftj/NAME, mv/NAME or md/NAME");
    }
    return new ResourceRef(Kind.of(text.substring(0, slash)), text.substring(slash + 1));
  }

  @Override
  public String toString() {
    return kind.displayName() + " " + name;
  }
}
