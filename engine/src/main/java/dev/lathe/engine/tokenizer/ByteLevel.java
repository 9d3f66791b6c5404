package dev.lathe.engine.tokenizer;

/**
 * GPT-2's map from bytes to printable characters: printable Latin-1 bytes stand for themselves, the
 * others are shifted above U+0100, so every byte sequence is a string of visible symbols (a space
 * becomes Ġ).
 */
final class ByteLevel {

  private static final String[] SYMBOLS = new String[256];

  static {
    int shifted = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable =
          (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      SYMBOLS[b] = printable ? String.valueOf((char) b) : String.valueOf((char) (256 + shifted++));
    }
  }

  private ByteLevel() {}

  static String symbol(byte b) {
    return SYMBOLS[b & 0xff];
  }
}
