package dev.losscompare.harness.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.harness.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** [environment.NAME] tables as a suite or trainer file holds them, and how a prefix goes before a command. */
class EnvironmentTablesTest {
    private static Map<String, Environment> parse(String toml) throws Exception {
        return EnvironmentTables.parse(new TomlMapper().readTree(toml), "--suite: s.toml", Path.of("/repo/configs"));
    }

    private static String refused(String toml) {
        return assertThrows(UsageException.class, () -> parse(toml)).getMessage();
    }

    @Test
    void tablesReadIntoEnvironments() throws Exception {
        Map<String, Environment> envs = parse("""
                [environment."torch-2.7"]
                libtorch = "2.7.1-1.5.12"
                maven_properties = { "javacpp.platform" = "linux-x86_64" }
                [environment.venv]
                command_prefix = ["./envs/run.sh", "--quiet"]
                env = { OMP_NUM_THREADS = "2" }
                """);
        Environment torch = envs.get("torch-2.7");
        assertEquals("2.7.1-1.5.12", torch.libtorch());
        assertEquals("javacpp.platform=linux-x86_64 pytorch.version=2.7.1-1.5.12", torch.mavenPropertiesText());
        // a relative wrapper is taken from the file's folder; its arguments stay as written
        assertEquals(List.of("/repo/configs/envs/run.sh", "--quiet"), envs.get("venv").commandPrefix());
        assertEquals("venv (command prefix [/repo/configs/envs/run.sh, --quiet]; env OMP_NUM_THREADS=2)", envs.get("venv").describe());
    }

    @Test
    void everyFaultIsOneLineNamingTheKey() {
        assertEquals("--suite: s.toml: [environment.torch-2].7: a name with '.' is quoted in TOML: [environment.\"torch-2.7\"]",
                refused("[environment.torch-2.7]\nlibtorch = \"2.7.1-1.5.12\"\n"));
        assertEquals("--suite: s.toml: [environment.a]: unknown key 'prefix' (valid: command_prefix, env, libtorch, maven_properties)",
                refused("[environment.a]\nprefix = [\"x\"]\n"));
        assertEquals("--suite: s.toml: [environment.a]: command_prefix must be a non-empty list of strings (an argument list, not a"
                + " shell line), e.g. [\"apptainer\", \"exec\", \"image.sif\"], got \"apptainer exec x.sif\"",
                refused("[environment.a]\ncommand_prefix = \"apptainer exec x.sif\"\n"));
        assertEquals("--suite: s.toml: [environment.a]: maven_properties.x = '1 -Dy=2' has characters Maven cannot take here"
                + " (letters, digits and . _ + : / @ , - only)", refused("[environment.a]\nmaven_properties = { x = \"1 -Dy=2\" }\n"));
        assertEquals("--suite: s.toml: [environment.a]: libtorch and maven_properties.pytorch.version say the same: give one",
                refused("[environment.a]\nlibtorch = \"1\"\nmaven_properties = { \"pytorch.version\" = \"2\" }\n"));
    }

    @Test
    void aPrefixEndingInPythonStandsForTheCommandsInterpreter() {
        assertEquals(List.of("/venv/bin/python", "train.py", "--x"), prefix("/venv/bin/python").prefixed(List.of("python3", "train.py", "--x")));
        assertEquals(List.of("apptainer", "exec", "i.sif", "python3", "train.py"),
                prefix("apptainer", "exec", "i.sif").prefixed(List.of("python3", "train.py")));
        assertEquals(List.of("/venv/bin/python3.11", "/repo/trainer/run_train.sh"),
                prefix("/venv/bin/python3.11").prefixed(List.of("/repo/trainer/run_train.sh")));
    }

    private static Environment prefix(String... words) {
        return new Environment("e", List.of(words), Map.of(), Map.of());
    }
}
