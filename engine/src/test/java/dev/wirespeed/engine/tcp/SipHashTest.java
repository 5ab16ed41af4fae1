package dev.wirespeed.engine.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SipHash-2-4 against the reference vectors; {@code checklistNN_} names follow docs/TCP-BEHAVIOUR.md. */
class SipHashTest
{
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    @Test
    void checklist53_referenceVectorOfTheSipHashPaper()
    {
        final byte[] msg = new byte[15];
        for (int i = 0; i < msg.length; i++)
        {
            msg[i] = (byte)i;
        }
        assertEquals(0xa129ca6149be45e5L, SipHash.hash(K0, K1, msg));
        assertEquals(0x726fdb47dd0e0e31L, SipHash.hash(K0, K1, new byte[0]));
    }

    @Test
    void wordVariantEqualsByteVariant()
    {
        final long m0 = 0x1122334455667788L;
        final long m1 = 0x99aabbccddeeff00L;
        final long m2 = 0x0102030405060708L;
        final byte[] msg = new byte[24];
        final long[] words = { m0, m1, m2 };
        for (int w = 0; w < 3; w++)
        {
            for (int i = 0; i < 8; i++)
            {
                msg[w * 8 + i] = (byte)(words[w] >>> (8 * i));
            }
        }
        assertEquals(SipHash.hash(K0, K1, msg), SipHash.hash24(K0, K1, m0, m1, m2));
    }
}
