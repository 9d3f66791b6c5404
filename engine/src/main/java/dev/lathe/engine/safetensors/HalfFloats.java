package dev.lathe.engine.safetensors;

/** IEEE binary16 and bfloat16 conversions (Java 17 has neither built in). */
final class HalfFloats {

  private HalfFloats() {}

  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // Subnormal: value = mantissa * 2^-24.
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  static short floatToHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
    }
    int halfExponent = exponent - 112;
    if (halfExponent >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        return (short) sign;
      }
      mantissa |= 0x800000;
      int shift = 14 - halfExponent;
      int rounded = roundShift(mantissa, shift);
      return (short) (sign | rounded);
    }
    int rounded = roundShift(mantissa, 13);
    // A mantissa that rounds up to 0x400 carries into the exponent, which the addition does.
    return (short) (sign | ((halfExponent << 10) + rounded));
  }

  static short floatToBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff) != 0) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** value >> shift, rounded to nearest, ties to even. */
  private static int roundShift(int value, int shift) {
    int truncated = value >>> shift;
    int remainder = value & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (remainder > half || (remainder == half && (truncated & 1) == 1)) {
      truncated++;
    }
    return truncated;
  }
}
