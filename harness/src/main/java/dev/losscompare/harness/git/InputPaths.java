package dev.losscompare.harness.git;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The paths a suite declares as the inputs of a build and its runs ({@code inputs = ["trainer/",
 * "configs/", "pom.xml"]}): repository-relative, '/'-separated, a trailing slash allowed.
 */
public final class InputPaths {
    private InputPaths() {}

    /** Sorted, without duplicates, trailing slashes or "./"; an absolute or escaping path is an error. */
    public static List<String> normalize(List<String> inputs) {
        TreeSet<String> out = new TreeSet<>();
        for (String raw : inputs) {
            String p = raw.strip().replace('\\', '/');
            while (p.startsWith("./")) p = p.substring(2);
            while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
            if (p.isEmpty() || p.equals(".")) {
                throw new MaterializeException("inputs: '" + raw + "' names the whole repository; leave inputs out instead");
            }
            if (p.startsWith("/") || p.equals("..") || p.startsWith("../") || p.contains("/../") || p.endsWith("/..")) {
                throw new MaterializeException("inputs: '" + raw + "' is not a path inside the repository");
            }
            out.add(p);
        }
        return new ArrayList<>(out);
    }

    /** The directories above {@code path} ("" for the root), whose .gitattributes can change its checkout. */
    static List<String> ancestors(String path) {
        List<String> dirs = new ArrayList<>();
        dirs.add("");
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) dirs.add(path.substring(0, i));
        return dirs;
    }
}
