package dev.lathe.controlplane;

import java.util.Map;

/**
 * Kubernetes' {@code $(VAR)} expansion in env values, command and args: {@code $(NAME)} becomes the
 * value of an env var defined before it, {@code $$} escapes a dollar, and a reference to an
 * undefined name stays as written — as the kubelet does it.
 */
final class DependentVariables {

  private DependentVariables() {}

  static String expand(String input, Map<String, String> defined) {
    if (input == null || input.indexOf('$') < 0) {
      return input;
    }
    StringBuilder out = new StringBuilder(input.length());
    int i = 0;
    while (i < input.length()) {
      char c = input.charAt(i);
      if (c == '$' && i + 1 < input.length()) {
        char next = input.charAt(i + 1);
        if (next == '$') {
          out.append('$');
          i += 2;
          continue;
        }
        if (next == '(') {
          int close = input.indexOf(')', i + 2);
          if (close > 0) {
            String name = input.substring(i + 2, close);
            String value = defined.get(name);
            out.append(value != null ? value : input.substring(i, close + 1));
            i = close + 1;
            continue;
          }
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }
}
