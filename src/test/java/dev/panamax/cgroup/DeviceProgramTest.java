package dev.panamax.cgroup;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v2 device program against the meaning of its rules: an eBPF interpreter of its own (the few
 * instructions the compiler emits, anything else fails the test) runs the compiled bytes for random rule
 * lists and random device accesses, and must agree with the rules read directly.
 */
class DeviceProgramTest {

    /** The reference meaning: the last matching rule decides, nothing matching denies. */
    static boolean allowed(List<DeviceRule> rules, char type, long major, long minor, int access) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            DeviceRule r = rules.get(i);
            boolean device = r.type() == 'a' || (r.type() == type && (r.major() < 0 || r.major() == major)
                    && (r.minor() < 0 || r.minor() == minor));
            int granted = DeviceProgram.access(r.type() == 'a' ? "rwm" : r.access());
            boolean fits = r.allow() ? (access & ~granted) == 0 : (access & granted) != 0;
            if (device && fits) {
                return r.allow();
            }
        }
        return false;
    }

    /** Runs the program on {@code struct bpf_cgroup_dev_ctx {access_type, major, minor}}; returns r0. */
    static long run(byte[] program, char type, long major, long minor, int access) {
        ByteBuffer b = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        int[] ctx = {(access << 16) | (type == 'b' ? DeviceProgram.DEV_BLOCK : DeviceProgram.DEV_CHAR),
                (int) major, (int) minor};
        long[] reg = new long[11];
        int pc = 0;
        for (int steps = 0; steps < 100_000; steps++) {
            int code = b.get(pc * 8) & 0xff;
            int regs = b.get(pc * 8 + 1) & 0xff;
            int dst = regs & 0xf;
            int src = regs >> 4;
            short off = b.getShort(pc * 8 + 2);
            int imm = b.getInt(pc * 8 + 4);
            pc++;
            switch (code) {
                case DeviceProgram.LDX_MEM_W -> {
                    assertEquals(1, src, "loads only from the context (r1)");
                    reg[dst] = ctx[off / 4] & 0xffffffffL;
                }
                case DeviceProgram.MOV32_X -> reg[dst] = reg[src] & 0xffffffffL;
                case DeviceProgram.MOV32_K -> reg[dst] = imm & 0xffffffffL;
                case DeviceProgram.AND32_K -> reg[dst] = (reg[dst] & imm) & 0xffffffffL;
                case DeviceProgram.RSH32_K -> reg[dst] = (reg[dst] & 0xffffffffL) >>> imm;
                case DeviceProgram.JNE32_K -> pc += (int) reg[dst] != imm ? off : 0;
                case DeviceProgram.JEQ32_K -> pc += (int) reg[dst] == imm ? off : 0;
                case DeviceProgram.MOV64_K -> reg[dst] = imm;
                case DeviceProgram.EXIT -> {
                    return reg[0];
                }
                default -> throw new AssertionError("instruction 0x" + Integer.toHexString(code) + " at " + (pc - 1));
            }
            assertTrue(pc >= 0 && pc * 8 < program.length, "jump out of the program to " + pc);
        }
        throw new AssertionError("no exit");
    }

    @Provide
    Arbitrary<List<DeviceRule>> rules() {
        Arbitrary<DeviceRule> rule = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of('b', 'c'),
                Arbitraries.longs().between(-1, 3), Arbitraries.longs().between(-1, 3),
                Arbitraries.of("r", "w", "m", "rw", "rm", "wm", "rwm"))
                .as(DeviceRule::new);
        return rule.list().ofMaxSize(8).map(list -> {
            List<DeviceRule> all = new ArrayList<>(List.of(DeviceRule.deny("a")));
            all.addAll(list);
            return all;
        });
    }

    @Property(tries = 500)
    void theProgramMeansWhatTheRulesSay(@ForAll("rules") List<DeviceRule> rules,
            @ForAll("types") char type, @ForAll("numbers") long major, @ForAll("numbers") long minor,
            @ForAll("accesses") int access) {
        byte[] program = DeviceProgram.compile(rules);
        assertEquals(allowed(rules, type, major, minor, access) ? 1 : 0, run(program, type, major, minor, access),
                rules + " for " + type + " " + major + ":" + minor + " access " + access);
    }

    @Provide
    Arbitrary<Character> types() {
        return Arbitraries.of('b', 'c');
    }

    @Provide
    Arbitrary<Long> numbers() {
        return Arbitraries.longs().between(0, 4);
    }

    @Provide
    Arbitrary<Integer> accesses() {
        return Arbitraries.integers().between(1, 7);
    }

    @Test
    void theDefaultListAllowsTheMinimalDevAndNothingElse() {
        byte[] p = DeviceProgram.compile(DeviceRule.DEFAULT_ALLOW_LIST);
        assertEquals(1, run(p, 'c', 1, 3, 7), "null: mknod, read, write");
        assertEquals(1, run(p, 'c', 136, 42, 6), "a pseudo terminal");
        assertEquals(0, run(p, 'c', 1, 11, 2), "kmsg");
        assertEquals(0, run(p, 'c', 10, 200, 1), "mknod net/tun");
        assertEquals(0, run(p, 'b', 254, 0, 2), "a disk");
    }
}
