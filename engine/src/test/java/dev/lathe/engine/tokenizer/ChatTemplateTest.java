package dev.lathe.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

  /** Meta's Llama 3 chat template, as published in its tokenizer_config.json. */
  private static final String LLAMA_3 =
      "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content ="
          + " '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim"
          + " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
          + "{{ content }}{% endfor %}{% if add_generation_prompt %}"
          + "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

  private static final List<ChatTemplate.Message> CHAT =
      List.of(
          new ChatTemplate.Message("system", "Be brief."),
          new ChatTemplate.Message("user", " Weather in Oslo? "));

  @Test
  void llama3TemplateRendersAsTransformersDoes() {
    ChatTemplate template = new ChatTemplate(LLAMA_3, "<|begin_of_text|>", "<|eot_id|>");

    assertThat(template.render(CHAT, true))
        .isEqualTo(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWeather in Oslo?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
  }

  @Test
  void templatesThatRefuseAConversationSaySo() {
    ChatTemplate strict =
        new ChatTemplate(
            "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('no system messages') }}"
                + "{% endif %}{{ m['content'] }}{% endfor %}",
            "", "");

    assertThatThrownBy(() -> strict.render(CHAT, false)).hasMessageContaining("no system messages");
  }
}
