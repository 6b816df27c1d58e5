package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The configuration shown in docs/deploy/kubernetes.yaml is one Sluice accepts, and means what the text says. */
class DeployExamplesTest {
    @Test
    void theKubernetesConfigMapsFileIsValidAndFillsItsTemplateFromSrvRecords() throws Exception {
        String yaml = Files.readString(Path.of("docs", "deploy", "kubernetes.yaml"));
        int start = yaml.indexOf("  sluice.cfg: |\n");
        assertTrue(start > 0, "no sluice.cfg in the ConfigMap");
        String block = yaml.substring(start + "  sluice.cfg: |\n".length(), yaml.indexOf("\n---", start));
        String cfg = block.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .collect(Collectors.joining("\n")) + "\n";
        Config c = ConfigParser.parse("kubernetes.cfg", cfg);
        assertEquals(2048, c.global().buffersLimit(), "tune.buffers.memory 32m");
        BackendConfig web = c.backend("web").orElseThrow();
        assertEquals(20, web.servers().size());
        assertTrue(web.servers().get(0).discovery().srv());
        assertEquals("k8s", web.servers().get(0).discovery().resolvers());
        assertEquals(1, c.process().statsSockets().size());
    }
}
