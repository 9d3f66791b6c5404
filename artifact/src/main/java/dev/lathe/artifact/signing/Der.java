package dev.lathe.artifact.signing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One DER element, a tag and its content: as much ASN.1 as reading the key files Lathe writes
 * needs. Anything it cannot read is an IllegalArgumentException, and the caller falls back to
 * Bouncy Castle, which reads every flavour and says precisely what is wrong.
 */
final class Der {

  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int OBJECT_IDENTIFIER = 0x06;
  static final int SEQUENCE = 0x30;

  /** A context-specific constructed tag, [n] EXPLICIT. */
  static int explicit(int n) {
    return 0xa0 | n;
  }

  private final int tag;
  private final byte[] content;

  private Der(int tag, byte[] content) {
    this.tag = tag;
    this.content = content;
  }

  /** The one element that fills {@code bytes}. */
  static Der parse(byte[] bytes) {
    List<Der> elements = elements(bytes);
    if (elements.size() != 1) {
      throw new IllegalArgumentException("expected one DER element, found " + elements.size());
    }
    return elements.get(0);
  }

  int tag() {
    return tag;
  }

  byte[] content() {
    return content.clone();
  }

  boolean is(int expectedTag, byte[] expectedContent) {
    return tag == expectedTag && Arrays.equals(content, expectedContent);
  }

  /** The elements a constructed element (a SEQUENCE, an [n] EXPLICIT) holds, in order. */
  List<Der> children() {
    return elements(content);
  }

  private static List<Der> elements(byte[] bytes) {
    List<Der> elements = new ArrayList<>();
    int at = 0;
    while (at < bytes.length) {
      if (bytes.length - at < 2) {
        throw new IllegalArgumentException("truncated DER element");
      }
      int tag = bytes[at++] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        throw new IllegalArgumentException("multi-byte DER tags are not read here");
      }
      int length = bytes[at++] & 0xff;
      if (length >= 0x80) {
        int octets = length & 0x7f;
        if (octets == 0 || octets > 3 || bytes.length - at < octets) {
          throw new IllegalArgumentException("unsupported DER length");
        }
        length = 0;
        for (int i = 0; i < octets; i++) {
          length = (length << 8) | (bytes[at++] & 0xff);
        }
      }
      if (length > bytes.length - at) {
        throw new IllegalArgumentException("DER element longer than its container");
      }
      elements.add(new Der(tag, Arrays.copyOfRange(bytes, at, at + length)));
      at += length;
    }
    return elements;
  }
}
