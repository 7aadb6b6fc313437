package dev.losscompare.harness.git;

import dev.losscompare.harness.io.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;



import java.util.TreeSet;
import org.eclipse.jgit.attributes.Attributes;
import org.eclipse.jgit.dircache.DirCacheCheckout.CheckoutMetadata;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.TreeWalk.OperationType;

/**
 * How git checkout converts a blob into a file: the eol conversion and smudge filter that
 * {@code .gitattributes} and the git config select (JGit's own rules, as DirCacheCheckout uses them).
 */
final class CheckoutRules {
    private CheckoutRules() {}

    /** The conversion for the walk's current entry; a required filter without a smudge command is an error. */
    static CheckoutMetadata metadata(Repository repo, TreeWalk walk) throws IOException {
        Attributes attributes = walk.getAttributes();
        String smudge = walk.getSmudgeCommand(attributes);
        String filter = attributes.getValue("filter");
        if (filter != null && smudge == null && repo.getConfig().getBoolean("filter", filter, "required", false)) {
            throw new MaterializeException(walk.getPathString() + ": .gitattributes assigns the required filter '" + filter
                    + "', but the git config has no filter." + filter + ".smudge command; configure it (or install the tool"
                    + " that provides it), then compare again");
        }
        return new CheckoutMetadata(walk.getEolStreamType(OperationType.CHECKOUT_OP), smudge);
    }

    /**
     * The git config that changes what checkout writes for the same tree (eol settings, filter
     * drivers): empty when none is set, else a short hash that keeps such materializations apart.
     */
    static String fingerprint(Repository repo) {
        Config c = repo.getConfig();
        StringBuilder s = new StringBuilder();
        for (String key : new String[] {"autocrlf", "eol", "symlinks"}) {
            String v = c.getString("core", null, key);
            if (v != null) s.append("core.").append(key).append('=').append(v).append('\n');
        }
        for (String name : new TreeSet<>(c.getSubsections("filter"))) {
            for (String key : new String[] {"smudge", "required", "usejgitbuiltin"}) {
                String v = c.getString("filter", name, key);
                if (v != null) s.append("filter.").append(name).append('.').append(key).append('=').append(v).append('\n');
            }
        }
        if (s.isEmpty()) return "";
        return Sha256.hex(s.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }
}
