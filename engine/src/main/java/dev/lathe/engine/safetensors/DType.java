package dev.lathe.engine.safetensors;

/** The element types safetensors names in its header, with their sizes in bytes. */
public enum DType {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** Whether {@link Tensor#toFloats()} can read it. */
  public boolean isFloatingPoint() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  public static DType parse(String name) {
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new SafetensorsException("unsupported dtype " + name);
    }
  }
}
