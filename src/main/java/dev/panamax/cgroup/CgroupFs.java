package dev.panamax.cgroup;

import dev.panamax.sys.Errno;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** File operations on cgroupfs, failing with messages that name the file, the value and the errno. */
final class CgroupFs {

    private CgroupFs() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CgroupException("reading " + file + ": " + describe(e), e);
        }
    }

    static Optional<String> readIfExists(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CgroupException("reading " + file + ": " + describe(e), e);
        }
    }

    /** A file holding one number, such as {@code memory.current}; empty if the file does not exist. */
    static OptionalLong readLong(Path file) {
        return readIfExists(file).map(String::strip).filter(s -> s.matches("\\d+"))
                .map(s -> OptionalLong.of(Long.parseLong(s))).orElse(OptionalLong.empty());
    }

    /** The value of {@code key} in a flat keyed file such as {@code memory.events} ("oom_kill 1"). */
    static OptionalLong readKey(Path file, String key) {
        return readIfExists(file).flatMap(text -> text.lines()
                .map(line -> line.split("\\s+"))
                .filter(f -> f.length == 2 && f[0].equals(key) && f[1].matches("\\d+"))
                .findFirst())
                .map(f -> OptionalLong.of(Long.parseLong(f[1]))).orElse(OptionalLong.empty());
    }

    /** One {@code write(2)} of {@code value} to an existing file, as the kernel expects. */
    static void write(Path file, String value) {
        try {
            Files.write(file, value.getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CgroupException("writing " + value.strip() + " to " + file + ": " + describe(e), e);
        }
    }

    /** Makes a directory; false if it already existed. */
    static boolean mkdir(Path dir) {
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new CgroupException("creating cgroup " + dir + ": " + describe(e), e);
        }
    }

    /** Removes a cgroup directory: returns normally if it is gone, false if the kernel says it is busy. */
    static boolean rmdir(Path dir) {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (DirectoryNotEmptyException e) {
            return false;
        } catch (FileSystemException e) {
            if ("EBUSY".equals(errno(e))) {
                return false;
            }
            throw new CgroupException("removing cgroup " + dir + ": " + describe(e), e);
        } catch (IOException e) {
            throw new CgroupException("removing cgroup " + dir + ": " + describe(e), e);
        }
    }

    /** "EBUSY (Device or resource busy)", or the JDK's text when it is not a known strerror. */
    static String describe(IOException e) {
        String reason = reason(e);
        return Errno.byDescription(reason).map(name -> name + " (" + reason + ")").orElse(reason);
    }

    private static String errno(IOException e) {
        return Errno.byDescription(reason(e)).orElse(null);
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
