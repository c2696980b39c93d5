package dev.panamax.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * How {@link NetlinkSocket} reads the kernel's answers, on datagrams made here byte by byte: replies, acks,
 * dumps, refusals with and without the echoed request, and malformed input. (The kernel's real answers are
 * exercised by {@code dev.panamax.net.RtnetlinkKernelTest}.)
 */
class NetlinkSocketTest {
    private static final int SEQ = 7;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int NLM_F_MULTI = 0x2;
    private static final int NLM_F_CAPPED = 0x100;
    private static final int NLM_F_ACK_TLVS = 0x200;
    private static final int NLMSGERR_ATTR_MSG = 1;
    private static final int EEXIST = 17;

    private final List<byte[]> replies = new ArrayList<>();

    @Test
    void repliesAreCollectedUntilTheAck() {
        byte[] reply = message(16, 0, SEQ, new byte[16]);
        assertTrue(collect(reply, message(NLMSG_ERROR, NLM_F_CAPPED, SEQ, error(0, new byte[0]))));
        assertEquals(1, replies.size());
        assertArrayEquals(reply, replies.getFirst());
    }

    @Test
    void aDumpGoesOnOverDatagramsUntilDone() {
        assertFalse(collect(message(16, NLM_F_MULTI, SEQ, new byte[16]), message(16, NLM_F_MULTI, SEQ, new byte[20])));
        assertTrue(collect(message(16, NLM_F_MULTI, SEQ, new byte[16]), message(NLMSG_DONE, NLM_F_MULTI, SEQ, new byte[4])));
        assertEquals(3, replies.size());
    }

    @Test
    void messagesOfAnotherRequestAreSkipped() {
        assertTrue(collect(message(16, 0, SEQ - 1, new byte[16]), message(NLMSG_ERROR, NLM_F_CAPPED, SEQ - 1,
                error(-EEXIST, new byte[0])), message(NLMSG_ERROR, NLM_F_CAPPED, SEQ, error(0, new byte[0]))));
        assertEquals(List.of(), replies);
    }

    @Test
    void aRefusalCarriesTheKernelsTextWithOrWithoutTheEchoedRequest() {
        byte[] text = extack("Link already exists");
        NetlinkException capped = assertThrows(NetlinkException.class, () -> collect(
                message(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, SEQ, error(-EEXIST, new byte[0], text))));
        assertEquals("Link already exists", capped.extack());
        assertEquals("RTM_NEWLINK(bridge \"br0\"): EEXIST (File exists); the kernel says: Link already exists",
                capped.getMessage());

        byte[] echoed = new byte[22]; // the request's payload, padded to 24 in the reply
        NetlinkException full = assertThrows(NetlinkException.class, () -> collect(
                message(NLMSG_ERROR, NLM_F_ACK_TLVS, SEQ, error(-EEXIST, echoed, text))));
        assertEquals("Link already exists", full.extack());

        NetlinkException bare = assertThrows(NetlinkException.class, () -> collect(
                message(NLMSG_ERROR, NLM_F_CAPPED, SEQ, error(-EEXIST, new byte[0]))));
        assertEquals("", bare.extack());
        assertEquals("RTM_NEWLINK(bridge \"br0\"): EEXIST (File exists)", bare.getMessage());
        assertEquals("EEXIST", bare.errnoName());
    }

    @Test
    void aDumpCanEndWithAnError() {
        byte[] done = ByteBuffer.allocate(4 + extack("dump failed").length).order(ByteOrder.nativeOrder())
                .putInt(-EEXIST).put(extack("dump failed")).array();
        NetlinkException e = assertThrows(NetlinkException.class, () -> collect(message(NLMSG_DONE, NLM_F_ACK_TLVS, SEQ, done)));
        assertEquals("dump failed", e.extack());
    }

    @Test
    void aMalformedReplyIsNamed() {
        byte[] lying = message(16, 0, SEQ, new byte[4]);
        ByteBuffer.wrap(lying).order(ByteOrder.nativeOrder()).putInt(0, 400);
        assertEquals("RTM_NEWLINK: malformed netlink reply: message length 400 at offset 0 of 20",
                assertThrows(IllegalStateException.class, () -> collect(lying)).getMessage());
        assertEquals("RTM_NEWLINK: truncated NLMSG_ERROR reply of 20 bytes",
                assertThrows(IllegalStateException.class, () -> collect(message(NLMSG_ERROR, 0, SEQ, new byte[4])))
                        .getMessage());
    }

    private boolean collect(byte[]... messages) {
        ByteArrayOutputStream datagram = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            datagram.writeBytes(m);
        }
        return NetlinkSocket.collect("RTM_NEWLINK", "bridge \"br0\"", SEQ,
                ByteBuffer.wrap(datagram.toByteArray()).order(ByteOrder.nativeOrder()), replies);
    }

    /** A message: nlmsghdr, then the payload padded to 4 bytes. */
    private static byte[] message(int type, int flags, int seq, byte[] payload) {
        int length = 16 + payload.length;
        return ByteBuffer.allocate((length + 3) & -4).order(ByteOrder.nativeOrder())
                .putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0)
                .put(payload).array();
    }

    /** struct nlmsgerr (error, the request's header), the echoed request payload padded, then attributes. */
    private static byte[] error(int error, byte[] echoed, byte[]... attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).putInt(error)
                .putInt(16 + echoed.length).putShort((short) 16).putShort((short) 5).putInt(SEQ).putInt(0).array());
        out.writeBytes(echoed);
        out.writeBytes(new byte[(4 - echoed.length % 4) % 4]);
        for (byte[] a : attributes) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    private static byte[] extack(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = 4 + bytes.length + 1;
        return ByteBuffer.allocate((length + 3) & -4).order(ByteOrder.nativeOrder())
                .putShort((short) length).putShort((short) NLMSGERR_ATTR_MSG).put(bytes).array();
    }
}
