package dev.panamax.rootfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What the dynamic loader needs to know about one 64-bit little-endian x86-64 ELF object: its
 * program interpreter ({@code PT_INTERP}), the libraries it needs ({@code DT_NEEDED}) and where it
 * asks them to be searched ({@code DT_RPATH}, {@code DT_RUNPATH}). Anything else (32-bit, another
 * machine, big-endian, not ELF, truncated) is rejected by {@link #read} with a {@link
 * RootfsException} naming the file and the reason, so the record only ever describes an object that
 * can run on this host's architecture.
 *
 * <pre>{@code
 * Elf ls = Elf.read(Path.of("/bin/ls"));
 * ls.interpreter();   // Optional[/lib64/ld-linux-x86-64.so.2]
 * ls.needed();        // [libselinux.so.1, libc.so.6]
 * }</pre>
 *
 * @param file        the file as named by the caller, for messages
 * @param type        {@code e_type}: {@link #ET_EXEC} or {@link #ET_DYN}
 * @param interpreter the {@code PT_INTERP} path, empty for static programs and libraries
 * @param needed      the {@code DT_NEEDED} names in order
 * @param rpath       the {@code DT_RPATH} directories, unexpanded ({@code $ORIGIN} kept)
 * @param runpath     the {@code DT_RUNPATH} directories, unexpanded
 * @param soname      the {@code DT_SONAME}, if any
 */
record Elf(String file, int type, Optional<String> interpreter, List<String> needed,
           List<String> rpath, List<String> runpath, Optional<String> soname) {

    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    private static final int HEADER_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int EM_X86_64 = 62;
    private static final int PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3;
    private static final int DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10,
            DT_SONAME = 14, DT_RPATH = 15, DT_RUNPATH = 29;

    Elf {
        needed = List.copyOf(needed);
        rpath = List.copyOf(rpath);
        runpath = List.copyOf(runpath);
    }

    /** Reads the ELF file at {@code path}; throws {@link RootfsException} if it is not usable. */
    static Elf read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new RootfsException(path + ": file of " + size + " bytes is too large to read as ELF");
            }
            return parse(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), path.toString());
        } catch (IOException e) {
            throw new RootfsException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** True if {@code path} starts with a header of an x86-64 executable or shared library. */
    static boolean isCompatible(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
            while (header.hasRemaining() && ch.read(header) > 0) { /* fill */ }
            checkHeader(header.flip().order(ByteOrder.LITTLE_ENDIAN), path.toString());
            return true;
        } catch (IOException | RootfsException e) {
            return false;
        }
    }

    /** Parses a whole ELF image; {@code file} names it in messages. */
    static Elf parse(ByteBuffer image, String file) {
        ByteBuffer buf = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int type = checkHeader(buf, file);
        long phoff = buf.getLong(32);
        int phentsize = Short.toUnsignedInt(buf.getShort(54));
        int phnum = Short.toUnsignedInt(buf.getShort(56));
        if (phnum > 0 && phentsize < PHDR_SIZE) {
            throw bad(file, "program header entry size " + phentsize + " is smaller than " + PHDR_SIZE);
        }
        Image img = new Image(buf, file);
        img.check(phoff, (long) phentsize * phnum, "program headers");
        List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}
        String interp = null;
        long dynOff = -1, dynSize = 0;
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            int pType = buf.getInt(at);
            long offset = buf.getLong(at + 8), vaddr = buf.getLong(at + 16), filesz = buf.getLong(at + 32);
            switch (pType) {
                case PT_LOAD -> loads.add(new long[] {vaddr, offset, filesz});
                case PT_DYNAMIC -> { dynOff = offset; dynSize = filesz; }
                case PT_INTERP -> interp = img.string(offset, filesz, "PT_INTERP");
                default -> { }
            }
        }
        if (interp != null && interp.isEmpty()) {
            throw bad(file, "PT_INTERP is empty");
        }
        Dynamic dyn = dynOff < 0 ? Dynamic.NONE : Dynamic.read(img, dynOff, dynSize, loads);
        return new Elf(file, type, Optional.ofNullable(interp), dyn.needed, dyn.rpath, dyn.runpath,
                Optional.ofNullable(dyn.soname));
    }

    /** Validates the identification and header; returns {@code e_type}. */
    private static int checkHeader(ByteBuffer buf, String file) {
        int n = buf.limit();
        byte[] magic = new byte[Math.min(4, n)];
        buf.get(0, magic);
        if (!Arrays.equals(magic, new byte[] {0x7f, 'E', 'L', 'F'})) {
            throw new RootfsException(file + " is not an ELF file: " + describeMagic(magic));
        }
        if (n < HEADER_SIZE) {
            throw bad(file, "truncated: " + n + " bytes, an ELF64 header needs " + HEADER_SIZE);
        }
        int elfClass = buf.get(4);
        if (elfClass != 2) {
            throw bad(file, (elfClass == 1 ? "32-bit (ELFCLASS32)" : "unknown ELF class " + elfClass)
                    + "; only 64-bit x86-64 is supported");
        }
        if (buf.get(5) != 1) {
            throw bad(file, "not little-endian (EI_DATA " + buf.get(5) + "); only 64-bit x86-64 is supported");
        }
        int machine = Short.toUnsignedInt(buf.getShort(18));
        if (machine != EM_X86_64) {
            throw bad(file, "built for machine " + machineName(machine) + ", not x86-64 (EM_X86_64 = 62)");
        }
        int type = Short.toUnsignedInt(buf.getShort(16));
        if (type != ET_EXEC && type != ET_DYN) {
            throw bad(file, "e_type " + type + " is neither an executable (2) nor a shared object (3)");
        }
        return type;
    }

    private static String describeMagic(byte[] magic) {
        if (magic.length == 0) {
            return "the file is empty";
        }
        if (magic.length >= 2 && magic[0] == '#' && magic[1] == '!') {
            return "it is a script (starts with #!); add its interpreter as a program instead";
        }
        StringBuilder text = new StringBuilder();
        for (byte b : magic) {
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return "its magic is \"" + text + "\" (" + HexFormat.ofDelimiter(" ").formatHex(magic)
                + "), expected 7f 45 4c 46 (\"\\x7fELF\")";
    }

    private static String machineName(int machine) {
        return switch (machine) {
            case 3 -> "i386 (3)";
            case 40 -> "ARM (40)";
            case 183 -> "AArch64 (183)";
            case 243 -> "RISC-V (243)";
            default -> String.valueOf(machine);
        };
    }

    static RootfsException bad(String file, String why) {
        return new RootfsException(file + " is not a usable ELF object: " + why);
    }

    /** Bounds-checked access to the image, so corrupt input fails with a named reason. */
    private record Image(ByteBuffer buf, String file) {
        void check(long offset, long length, String what) {
            if (offset < 0 || length < 0 || offset > buf.limit() || length > buf.limit() - offset) {
                throw bad(file, what + " at offset " + Long.toUnsignedString(offset) + " (length "
                        + Long.toUnsignedString(length) + ") lies outside the file of " + buf.limit() + " bytes");
            }
        }

        /** A NUL-terminated string starting at {@code offset}, within {@code max} bytes. */
        String string(long offset, long max, String what) {
            check(offset, 0, what);
            long end = Math.min(buf.limit(), max < 0 ? buf.limit() : offset + Math.min(max, buf.limit()));
            for (long i = offset; i < end; i++) {
                if (buf.get((int) i) == 0) {
                    byte[] bytes = new byte[(int) (i - offset)];
                    buf.get((int) offset, bytes);
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            }
            throw bad(file, what + " string at offset " + offset + " is not NUL-terminated");
        }
    }

    /** The parts of {@code PT_DYNAMIC} the loader uses to find libraries. */
    private record Dynamic(List<String> needed, List<String> rpath, List<String> runpath, String soname) {
        static final Dynamic NONE = new Dynamic(List.of(), List.of(), List.of(), null);

        static Dynamic read(Image img, long offset, long size, List<long[]> loads) {
            img.check(offset, size, "PT_DYNAMIC");
            List<Long> neededAt = new ArrayList<>();
            long strtab = -1, strsz = -1;
            Long rpathAt = null, runpathAt = null, sonameAt = null;
            for (long at = offset; at + 16 <= offset + size; at += 16) {
                long tag = img.buf.getLong((int) at), val = img.buf.getLong((int) at + 8);
                if (tag == DT_NULL) {
                    break;
                } else if (tag == DT_NEEDED) {
                    neededAt.add(val);
                } else if (tag == DT_STRTAB) {
                    strtab = val;
                } else if (tag == DT_STRSZ) {
                    strsz = val;
                } else if (tag == DT_RPATH) {
                    rpathAt = val;
                } else if (tag == DT_RUNPATH) {
                    runpathAt = val;
                } else if (tag == DT_SONAME) {
                    sonameAt = val;
                }
            }
            if (neededAt.isEmpty() && rpathAt == null && runpathAt == null && sonameAt == null) {
                return NONE;
            }
            if (strtab == -1) { // an address of all ones is not mappable either
                throw bad(img.file, "PT_DYNAMIC has strings but no DT_STRTAB");
            }
            Strings strings = new Strings(img, fileOffset(img, strtab, loads), strsz);
            List<String> needed = new ArrayList<>();
            for (long at : neededAt) {
                needed.add(strings.at(at, "DT_NEEDED"));
            }
            return new Dynamic(needed, strings.path(rpathAt, "DT_RPATH"), strings.path(runpathAt, "DT_RUNPATH"),
                    sonameAt == null ? null : strings.at(sonameAt, "DT_SONAME"));
        }

        /** Maps a virtual address to a file offset through the {@code PT_LOAD} segments. */
        private static long fileOffset(Image img, long vaddr, List<long[]> loads) {
            for (long[] load : loads) {
                if (Long.compareUnsigned(vaddr, load[0]) >= 0 && Long.compareUnsigned(vaddr - load[0], load[2]) < 0) {
                    return vaddr - load[0] + load[1];
                }
            }
            throw bad(img.file, "DT_STRTAB address 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
        }
    }

    private record Strings(Image img, long base, long size) {
        String at(long offset, String what) {
            if (offset < 0 || (size >= 0 && offset >= size) || base + offset < 0) {
                throw bad(img.file, what + " offset " + offset + " lies outside the string table");
            }
            return img.string(base + offset, size < 0 ? -1 : size - offset, what);
        }

        List<String> path(Long offset, String what) {
            if (offset == null) {
                return List.of();
            }
            String value = at(offset, what);
            return value.isEmpty() ? List.of() : List.of(value.split(":", -1));
        }
    }
}
