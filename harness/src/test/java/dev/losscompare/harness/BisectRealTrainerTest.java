package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.core.result.ComparisonJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bisect with the real trainer: this project as tracked, then eight commits of which the fourth
 * changes llama3's RMSNorm eps and the others are refactors. Kept small: the llama3 case of the
 * sign-off suite (whose declared inputs let a documentation-only commit share its parent's build
 * and runs), 2 steps at tiny shapes, one probe at a time.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BisectRealTrainerTest {
    private static final String TRAINER = "trainer/src/main/java/dev/losscompare/trainer/";
    // Shared with RealTrainerEndToEndTest: the project's tree reuses its build.
    private static final Path CACHE = Path.of("target", "e2e-cache").toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void findsTheCommitThatChangedTheRmsNormEps() throws Exception {
        Path repoDir = tmp.resolve("clone");
        try (Git git = ProjectFiles.cloneInto(repoDir)) {
            RevCommit good = git.log().setMaxCount(1).call().iterator().next();
            edit(repoDir, "README.md", "(?s)\\z", "\n");
            commit(git, "README: trailing line");
            edit(repoDir, TRAINER + "train/Trainer.java", "\\bseconds\\b", "stepSeconds");
            commit(git, "Refactor: rename seconds to stepSeconds");
            edit(repoDir, "docs/architecture.md", "(?s)\\z", "\n");
            commit(git, "docs: trailing line");
            edit(repoDir, TRAINER + "model/llama3/Llama3Flavors.java",
                    "(private static LlamaArgs.Builder debugmodel[^;]*?)\\.ropeTheta\\(500000\\);", "$1.ropeTheta(500000).normEps(1e-6);");
            RevCommit eps = commit(git, "llama3 debugmodel: RMSNorm eps 1e-6");
            edit(repoDir, "README.md", "(?s)\\z", "\n");
            commit(git, "README: another trailing line");
            edit(repoDir, TRAINER + "train/AdamW.java", "\\bdenom\\b", "denominator");
            commit(git, "Refactor: rename denom to denominator");
            edit(repoDir, "docs/architecture.md", "(?s)\\z", "\n");
            commit(git, "docs: another trailing line");
            edit(repoDir, "README.md", "(?s)\\z", "\n");
            commit(git, "README: a third trailing line");

            Path out = tmp.resolve("out");
            assertEquals(good, git.log().add(git.getRepository().resolve("HEAD~8")).setMaxCount(1).call().iterator().next());
            HarnessRun r = HarnessRun.in(repoDir, CACHE, out, DocCommands.readme("bisect HEAD~8 HEAD"));   // README's tour
            int exit = r.exit();
            String all = r.toString();
            assertEquals(0, exit, all);
            JsonNode json = ComparisonJson.MAPPER.readTree(out.resolve("bisect.json").toFile());
            assertEquals(eps.name(), json.get("culprit").get("commit").asText(), all);
            assertTrue(json.get("probes").size() <= 4, all);
            assertTrue(r.out().contains("FAIL llama3 (llama3 debugmodel): loss differs from step 1"), all);
            assertTrue(Files.isRegularFile(out.resolve("culprit/report.html")), all);
            assertTrue(git.status().call().isClean(), "the clone is untouched");
        }
    }

    private static void edit(Path root, String file, String regex, String replacement) throws Exception {
        Path p = root.resolve(file);
        String before = Files.readString(p);
        String after = before.replaceAll(regex, replacement);
        assertTrue(!after.equals(before), "the edit must change " + file);
        Files.writeString(p, after);
    }

    private static RevCommit commit(Git git, String message) throws Exception {
        return ProjectFiles.commit(git, message);
    }
}
