package dev.losscompare.harness.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.IVersionProvider;

/** --version: the project version Maven wrote into version.txt when it built the harness. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        try (InputStream in = Version.class.getResourceAsStream("/dev/losscompare/harness/version.txt")) {
            String version = in == null ? "unknown (built without Maven's resource filtering)" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return new String[] {"loss_compare " + version};
        }
    }
}
