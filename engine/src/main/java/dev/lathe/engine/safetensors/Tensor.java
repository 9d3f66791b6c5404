package dev.lathe.engine.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named tensor: element type, shape and little-endian bytes. The bytes may be a view of a
 * memory-mapped file, so reading a checkpoint does not copy the weights.
 */
public record Tensor(String name, DType dtype, long[] shape, ByteBuffer data) {

  public Tensor {
    shape = shape.clone();
    data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long expected = elementCount(shape) * dtype.bytes();
    if (expected != data.remaining()) {
      throw new SafetensorsException(
          name
              + ": "
              + Arrays.toString(shape)
              + " "
              + dtype
              + " needs "
              + expected
              + " bytes, has "
              + data.remaining());
    }
  }

  /** A float32 tensor holding {@code values}. */
  public static Tensor ofFloats(String name, long[] shape, float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return new Tensor(name, DType.F32, shape, bytes);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  public long elementCount() {
    return elementCount(shape);
  }

  /** The values as float32, widening F16 and BF16 exactly and narrowing F64. */
  public float[] toFloats() {
    if (elementCount() > Integer.MAX_VALUE) {
      throw new SafetensorsException(name + " is too large for one float array");
    }
    float[] values = new float[(int) elementCount()];
    ByteBuffer bytes = data();
    switch (dtype) {
      case F32 -> bytes.asFloatBuffer().get(values);
      case F64 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) bytes.getDouble(i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = HalfFloats.halfToFloat(bytes.getShort(i * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = Float.intBitsToFloat((bytes.getShort(i * 2) & 0xffff) << 16);
        }
      }
      default ->
          throw new SafetensorsException(name + " is " + dtype + ", not a floating-point tensor");
    }
    return values;
  }

  /**
   * This BF16 tensor as float32 in a direct buffer (which a native library can read in place),
   * widened exactly: a bfloat16 is the upper half of a float32's bits.
   */
  public Tensor bfloat16ToDirectFloat32() {
    if (dtype != DType.BF16) {
      throw new SafetensorsException(name + " is " + dtype + ", not BF16");
    }
    long count = elementCount();
    if (count * 4 > Integer.MAX_VALUE) {
      throw new SafetensorsException(name + " is too large for one float32 buffer");
    }
    ByteBuffer in = data();
    ByteBuffer out = ByteBuffer.allocateDirect((int) count * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      out.putInt((in.getShort(i * 2) & 0xffff) << 16);
    }
    return new Tensor(name, DType.F32, shape, out.flip());
  }

  /** The same tensor under another name. */
  public Tensor renamed(String newName) {
    return new Tensor(newName, dtype, shape, data());
  }

  /** This tensor converted to another floating-point type (rounding to nearest even). */
  public Tensor to(DType target) {
    if (target == dtype) {
      return this;
    }
    float[] values = toFloats();
    ByteBuffer out =
        ByteBuffer.allocate(values.length * target.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      switch (target) {
        case F32 -> out.putFloat(value);
        case F64 -> out.putDouble(value);
        case F16 -> out.putShort(HalfFloats.floatToHalf(value));
        case BF16 -> out.putShort(HalfFloats.floatToBfloat16(value));
        default -> throw new SafetensorsException("cannot convert " + name + " to " + target);
      }
    }
    out.flip();
    return new Tensor(name, target, shape, out);
  }

  static long elementCount(long[] shape) {
    long count = 1;
    for (long dimension : shape) {
      if (dimension < 0) {
        throw new SafetensorsException("negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dimension);
    }
    return count;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Tensor t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && data().equals(t.data());
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
