package dev.panamax.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.sys.internal.Bindings;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * This package is public and must not depend on the bindings, so its kernel numbers ({@link Rtnl}) are
 * written by hand; this test pins each of them, and the fixed headers {@link MessageWriter} lays out, to the
 * headers.
 */
class RtnetlinkAbiTest {
    private static final Map<String, String> SIZES = Map.of("SIZEOF_IFINFOMSG", "ifinfomsg",
            "SIZEOF_IFADDRMSG", "ifaddrmsg", "SIZEOF_RTMSG", "rtmsg");

    @Test
    void everyHandWrittenNumberEqualsTheHeaders() throws IllegalAccessException {
        List<Field> fields = Arrays.stream(Rtnl.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == int.class).toList();
        assertTrue(fields.size() > 60, "Rtnl's constants are found: " + fields.size());
        for (Field f : fields) {
            long value = f.getInt(null);
            String name = f.getName();
            long expected = SIZES.containsKey(name) ? Bindings.sizeof(SIZES.get(name)) : Bindings.constant(name);
            assertEquals(expected, value, name);
        }
    }

    @Test
    void messageHeaderIsNlmsghdr() {
        ByteBuffer b = buffer(new MessageWriter(0x1234, 0x0567).bytes());
        assertEquals(Bindings.sizeof("nlmsghdr"), b.limit());
        assertEquals(b.limit(), b.getInt((int) Bindings.offset("nlmsghdr", "nlmsg_len")));
        assertEquals(0x1234, b.getShort((int) Bindings.offset("nlmsghdr", "nlmsg_type")));
        assertEquals(0x0567, b.getShort((int) Bindings.offset("nlmsghdr", "nlmsg_flags")));
        assertEquals(4, Bindings.sizeof("rtattr"));
        assertEquals(0, Bindings.offset("rtattr", "rta_len"));
        assertEquals(2, Bindings.offset("rtattr", "rta_type"));
    }

    @Test
    void fixedHeadersHaveTheKernelsLayout() {
        ByteBuffer ifi = payload(new MessageWriter(0, 0).ifinfomsg(7, 0x01020304, 0x11121314, 0x21222324));
        assertEquals(7, ifi.get((int) Bindings.offset("ifinfomsg", "ifi_family")));
        assertEquals(0x01020304, ifi.getInt((int) Bindings.offset("ifinfomsg", "ifi_index")));
        assertEquals(0x11121314, ifi.getInt((int) Bindings.offset("ifinfomsg", "ifi_flags")));
        assertEquals(0x21222324, ifi.getInt((int) Bindings.offset("ifinfomsg", "ifi_change")));

        ByteBuffer ifa = payload(new MessageWriter(0, 0).ifaddrmsg(10, 64, 2, 253, 0x01020304));
        assertEquals(10, ifa.get((int) Bindings.offset("ifaddrmsg", "ifa_family")));
        assertEquals(64, ifa.get((int) Bindings.offset("ifaddrmsg", "ifa_prefixlen")));
        assertEquals(2, ifa.get((int) Bindings.offset("ifaddrmsg", "ifa_flags")));
        assertEquals((byte) 253, ifa.get((int) Bindings.offset("ifaddrmsg", "ifa_scope")));
        assertEquals(0x01020304, ifa.getInt((int) Bindings.offset("ifaddrmsg", "ifa_index")));

        ByteBuffer rt = payload(new MessageWriter(0, 0).rtmsg(2, 24, 254, 3, 253, 1));
        assertEquals(2, rt.get((int) Bindings.offset("rtmsg", "rtm_family")));
        assertEquals(24, rt.get((int) Bindings.offset("rtmsg", "rtm_dst_len")));
        assertEquals((byte) 254, rt.get((int) Bindings.offset("rtmsg", "rtm_table")));
        assertEquals(3, rt.get((int) Bindings.offset("rtmsg", "rtm_protocol")));
        assertEquals((byte) 253, rt.get((int) Bindings.offset("rtmsg", "rtm_scope")));
        assertEquals(1, rt.get((int) Bindings.offset("rtmsg", "rtm_type")));
    }

    private static ByteBuffer payload(MessageWriter w) {
        ByteBuffer b = buffer(w.bytes());
        return b.slice(Rtnl.NLMSG_HDRLEN, b.limit() - Rtnl.NLMSG_HDRLEN).order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer buffer(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }
}
