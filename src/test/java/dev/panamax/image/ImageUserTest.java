package dev.panamax.image;

import dev.panamax.ProcessIdentity;
import dev.panamax.spec.InvalidSpecException;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A config's {@code User} resolved as runc resolves it for docker, and its {@code StopSignal} as docker reads it. */
class ImageUserTest {
    private static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            # a comment
            daemon:x:1:1::/:/bin/false
            broken
            bad:x:notanumber:0::/:/bin/false
            app:x:1000:1001:App:/home/app:/bin/sh
            app:x:1111:1111:second entry, never used:/:/bin/sh
            """;
    private static final String GROUP = """
            root:x:0:
            wheel:x:10:root,app
            staff:x:50:other,app
            appgroup:x:1001:
            audio:x:63:root
            """;

    private final List<String> reads = new ArrayList<>();

    private Optional<ProcessIdentity> resolve(String user, Map<String, String> files) throws IOException {
        return ImageUser.resolve("pmx/app:1", user, path -> {
            reads.add(path);
            return Optional.ofNullable(files.get(path)).map(s -> s.getBytes(StandardCharsets.UTF_8));
        });
    }

    private Optional<ProcessIdentity> resolve(String user) throws IOException {
        return resolve(user, Map.of("etc/passwd", PASSWD, "etc/group", GROUP));
    }

    private static Optional<ProcessIdentity> id(long uid, long gid, Long... groups) {
        return Optional.of(new ProcessIdentity(uid, gid, List.of(groups)));
    }

    @Test
    void aUserNameGetsItsUidPrimaryGidAndTheGroupsThatListIt() throws IOException {
        assertEquals(id(1000, 1001, 10L, 50L), resolve("app"), "the first app line wins; wheel and staff list app");
    }

    @Test
    void aNumericUidTakesItsPasswdEntrysGidAndGroupsOrGidZeroWithoutOne() throws IOException {
        assertEquals(id(1000, 1001, 10L, 50L), resolve("1000"));
        assertEquals(id(4242, 0), resolve("4242"), "a uid without an entry is allowed");
        assertEquals(id(1, 1), resolve("1"));
    }

    @Test
    void anExplicitGroupReplacesThePrimaryGidAndDropsTheSupplementaryGroups() throws IOException {
        assertEquals(id(1000, 50), resolve("app:staff"));
        assertEquals(id(1000, 77), resolve("app:77"), "a gid without an entry is allowed");
        assertEquals(id(4242, 50), resolve("4242:staff"));
        assertEquals(id(4242, 4343), resolve("4242:4343"));
        assertEquals(id(0, 10), resolve(":wheel"), "an empty user part is uid 0");
    }

    @Test
    void anEmptyUserIsPlainRootWithoutReadingAFileAndRootByNameGetsItsGroups() throws IOException {
        assertEquals(Optional.empty(), resolve(""), "no supplementary groups: fewer than docker gives, never more");
        assertEquals(id(0, 0, 10L, 63L), resolve("root"));
        assertEquals(Optional.empty(), resolve("", Map.of()), "no account files: plain root");
        assertEquals(Optional.empty(), resolve("0:0"));
    }

    @Test
    void numericIdsNeedNoAccountFileAndNoFileIsReadForUidAndGid() throws IOException {
        assertEquals(id(123, 456), resolve("123:456", Map.of()));
        assertEquals(List.of(), reads, "uid:gid reads neither file");
        assertEquals(id(123, 0), resolve("123", Map.of()));
    }

    @Test
    void anUnknownUserOrGroupNamesTheImageTheValueAndTheFile() {
        InvalidSpecException user = assertThrows(InvalidSpecException.class, () -> resolve("nobody"));
        assertEquals("image.user", user.field());
        assertEquals("image.user: image pmx/app:1: User \"nobody\": no user \"nobody\" in /etc/passwd",
                user.getMessage());
        InvalidSpecException group = assertThrows(InvalidSpecException.class, () -> resolve("app:video"));
        assertEquals("image.user: image pmx/app:1: User \"app:video\": no group \"video\" in /etc/group",
                group.getMessage());
        InvalidSpecException noFile = assertThrows(InvalidSpecException.class,
                () -> resolve("app", Map.of("etc/group", GROUP)));
        assertEquals("image.user: image pmx/app:1: User \"app\": no user \"app\" in /etc/passwd (the image has no "
                + "/etc/passwd)", noFile.getMessage());
        assertThrows(InvalidSpecException.class, () -> resolve("bad"), "a malformed line is skipped, not uid 0");
        assertThrows(InvalidSpecException.class, () -> resolve("broken"));
    }

    @Test
    void idsOutOfRuncsRangeAndASecondColonAreRefused() {
        InvalidSpecException range = assertThrows(InvalidSpecException.class, () -> resolve("2147483648"));
        assertEquals("image.user: image pmx/app:1: User \"2147483648\": 2147483648 is out of the id range "
                + "0..2147483647", range.getMessage());
        assertThrows(InvalidSpecException.class, () -> resolve("1:2147483648"));
        InvalidSpecException colons = assertThrows(InvalidSpecException.class, () -> resolve("a:b:c"));
        assertEquals("image.user: image pmx/app:1: User \"a:b:c\": more than one ':' (the forms are USER and "
                + "USER:GROUP)", colons.getMessage());
    }

    @Test
    void stopSignalsAreNamesInAnyCaseWithOrWithoutSigOrNumbers() {
        Map<String, Integer> forms = new HashMap<>();
        forms.put("SIGTERM", 15);
        forms.put("TERM", 15);
        forms.put("sigterm", 15);
        forms.put("15", 15);
        forms.put("SIGKILL", 9);
        forms.put("SIGQUIT", 3);
        forms.put("SIGUSR1", 10);
        forms.put("SIGWINCH", 28);
        forms.put("SIGPWR", 30);
        forms.put("SIGSYS", 31);
        forms.put("SIGIOT", 6);
        forms.put("SIGCLD", 17);
        forms.put("SIGRTMIN", 34);
        forms.put("SIGRTMIN+3", 37);
        forms.put("RTMIN+15", 49);
        forms.put("SIGRTMAX-14", 50);
        forms.put("SIGRTMAX", 64);
        forms.put("64", 64);
        forms.forEach((value, number) -> assertEquals(Optional.of(number), StopSignal.parse("pmx/app:1", value),
                value));
        assertEquals(Optional.empty(), StopSignal.parse("pmx/app:1", ""), "none: SIGTERM by default");
    }

    @Test
    void anUnknownStopSignalNamesTheImageAndTheValue() {
        for (String bad : List.of("SIGFOO", "0", "65", "SIGRTMIN+16", "RTMAX-15", " SIGTERM", "-1")) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class,
                    () -> StopSignal.parse("pmx/app:1", bad), bad);
            assertEquals("image.stopSignal: image pmx/app:1: StopSignal \"" + bad + "\" is not a signal (a name such as "
                    + "SIGTERM or TERM, or a number 1..64)", e.getMessage());
        }
    }
}
