package dev.lathe.cli.sandbox;

import java.util.List;

/**
 * One step of the story the sandbox plays, as a platform team or an application team would take it
 * on a real cluster. Steps run in order on one {@link StoryContext}; each says what it does and
 * what to type in another terminal to watch it, then does it and waits for the outcome a user would
 * wait for.
 */
interface StoryStep {

  String title();

  /** Commands to type in another terminal to watch this step. */
  List<String> watch(StoryContext story);

  void run(StoryContext story) throws Exception;
}
