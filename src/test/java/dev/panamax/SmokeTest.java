package dev.panamax;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.*;
class SmokeTest { @Test void runsOnJdk22Plus() { assertTrue(Runtime.version().feature() >= 22); } }
