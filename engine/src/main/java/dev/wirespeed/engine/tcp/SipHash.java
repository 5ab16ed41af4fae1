package dev.wirespeed.engine.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein), the keyed hash of RFC 6528 ISNs and SYN cookies. Allocation free.
 */
public final class SipHash
{
    private SipHash()
    {
    }

    /**
     * SipHash-2-4 of a 24-byte message made of three little-endian 64-bit words.
     *
     * @param k0 the key's first 64 bits.
     * @param k1 the key's last 64 bits.
     * @param m0 message word 0.
     * @param m1 message word 1.
     * @param m2 message word 2.
     * @return the 64-bit hash.
     */
    public static long hash24(final long k0, final long k1, final long m0, final long m1, final long m2)
    {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        final long last = 24L << 56;
        long m = m0;
        for (int i = 0; i < 4; i++)
        {
            m = i == 0 ? m0 : i == 1 ? m1 : i == 2 ? m2 : last;
            v3 ^= m;
            for (int r = 0; r < 2; r++)
            {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++)
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /**
     * Reference SipHash-2-4 over bytes, for tests against the published vectors.
     *
     * @param k0  the key's first 64 bits.
     * @param k1  the key's last 64 bits.
     * @param msg the message, any length.
     * @return the 64-bit hash.
     */
    public static long hash(final long k0, final long k1, final byte[] msg)
    {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        final int blocks = msg.length / 8;
        for (int b = 0; b <= blocks; b++)
        {
            long m = 0;
            if (b < blocks)
            {
                for (int i = 7; i >= 0; i--)
                {
                    m = (m << 8) | (msg[b * 8 + i] & 0xffL);
                }
            }
            else
            {
                m = ((long)msg.length & 0xff) << 56;
                for (int i = msg.length - 1; i >= blocks * 8; i--)
                {
                    m |= (msg[i] & 0xffL) << (8 * (i - blocks * 8));
                }
            }
            v3 ^= m;
            for (int r = 0; r < 2; r++)
            {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++)
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
