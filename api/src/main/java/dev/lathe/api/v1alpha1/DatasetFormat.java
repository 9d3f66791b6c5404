package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How each line of a JSONL dataset is shaped. */
public enum DatasetFormat {
  /** Each line is {"messages": [{"role": ..., "content": ...}, ...]}. */
  @JsonProperty("chat-jsonl")
  CHAT_JSONL,
  /** Each line is {"prompt": ..., "completion": ...}. */
  @JsonProperty("completion-jsonl")
  COMPLETION_JSONL
}
