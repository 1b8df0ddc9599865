package org.graft.engine;

import java.util.Arrays;

/**
 * Products of dimensions, checked: a shape whose element count overflows (or exceeds what one buffer
 * index can address) is refused with a message naming what it belongs to, never wrapped to a small or
 * zero count that would make sizes, memory and speed figures silently wrong.
 */
public final class Shapes {
    private Shapes() {
    }

    /** The element count of {@code shape}; {@code what} names it in the error (e.g. "layer 'x': top 'y'"). */
    public static int count(int[] shape, String what) {
        long c = 1;
        try {
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(what + ": negative dimension in shape " + Arrays.toString(shape));
                }
                c = Math.multiplyExact(c, (long) d);
            }
        } catch (ArithmeticException e) {
            throw tooLarge(shape, what);
        }
        if (c > Integer.MAX_VALUE) {
            throw tooLarge(shape, what);
        }
        return (int) c;
    }

    /** The product of {@code a} and {@code b} as an int, refused (naming {@code what}) if it overflows. */
    public static int product(int a, int b, String what) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + ": " + a + " × " + b + " is more than the " + Integer.MAX_VALUE
                    + " elements one blob can hold");
        }
    }

    private static IllegalArgumentException tooLarge(int[] shape, String what) {
        java.math.BigInteger n = java.math.BigInteger.ONE;
        for (int d : shape) {
            n = n.multiply(java.math.BigInteger.valueOf(d));
        }
        return new IllegalArgumentException(what + ": shape " + Arrays.toString(shape) + " has " + n
                + " elements, more than the " + Integer.MAX_VALUE + " one blob can hold");
    }
}
