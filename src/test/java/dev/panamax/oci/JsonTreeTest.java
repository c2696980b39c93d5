package dev.panamax.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTreeTest {

    @Test
    void treeIsTheOneObjectMapperReads() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (String doc : List.of(
                "{\"ociVersion\": \"1.2.0\", \"process\": {\"args\": [\"sh\", \"-c\", \"echo \\u00e9\"], \"terminal\": false,"
                        + " \"user\": {\"uid\": 0, \"gid\": 0}}, \"annotations\": {}, \"hooks\": null}",
                "{\"int\": 2147483647, \"long\": 4294967296, \"big\": 18446744073709551616, \"negative\": -1,"
                        + " \"double\": 1.5, \"exp\": 1e3, \"zero\": 0}",
                "[[], {}, [1, [2, [3]]], true, false, null, \"\"]",
                "{\"a\": 1, \"a\": 2}",
                "{\"first\": 1} {\"second\": 2}",
                "\"just a string\"", "42")) {
            byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
            JsonNode expected = mapper.readTree(bytes);
            JsonNode tree = JsonTree.read(bytes);
            assertEquals(expected, tree, doc);
            assertEquals(expected.getNodeType(), tree.getNodeType(), doc);
        }
        assertEquals(2, JsonTree.read("{\"a\": 1, \"a\": 2}".getBytes(StandardCharsets.UTF_8)).get("a").asInt(),
                "a repeated key: the last value");
    }

    @Test
    void emptyInvalidAndTooDeepDocumentsAreRefused() throws Exception {
        assertNull(JsonTree.read(new byte[0]), "no value");
        assertNull(JsonTree.read(" \n".getBytes(StandardCharsets.UTF_8)), "no value");
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> JsonTree.read("{\"a\": [1, 2}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getOriginalMessage().contains("Unexpected close marker"), e.getOriginalMessage());
        String deep = "[".repeat(65) + "]".repeat(65);
        assertThrows(JsonProcessingException.class, () -> JsonTree.read(deep.getBytes(StandardCharsets.UTF_8)));
        String allowed = "[".repeat(64) + "]".repeat(64);
        assertEquals(1, JsonTree.read(allowed.getBytes(StandardCharsets.UTF_8)).size());
    }
}
