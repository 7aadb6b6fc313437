import java.io.File;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Run once by trainer/native_libraries.sh, with the trainer's dependency jars on the class path:
 * loads the native libraries of every bytedeco class the trainer initializes on a CPU (JavaCPP
 * extracts them into its cache), then prints the file of each library JavaCPP loaded, one per line.
 * By reflection, so that it compiles without the jars (started as a source file: java
 * FindNativeLibraries.java); a class the jars lack (torch_gloo in older presets) is skipped.
 */
public class FindNativeLibraries {
    private static final String REQUIRED = "org.bytedeco.pytorch.global.torch";
    private static final String[] OPTIONAL = {"org.bytedeco.pytorch.global.torch_gloo", "org.bytedeco.openblas.global.openblas_full"};

    public static void main(String[] args) throws Exception {
        ClassLoader app = ClassLoader.getSystemClassLoader();
        Class.forName(REQUIRED, true, app); // its static initializer loads libtorch through JavaCPP's Loader
        for (String name : OPTIONAL) {
            try {
                Class.forName(name, true, app);
            } catch (ClassNotFoundException absent) {
                // not in these presets: the trainer cannot use it either
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, String> loaded = (Map<String, String>) Class.forName("org.bytedeco.javacpp.Loader", true, app)
                .getMethod("getLoadedLibraries").invoke(null);
        Set<String> files = new LinkedHashSet<>();
        for (String file : loaded.values()) {
            // a library loaded by name from the system's paths (no file of its own) is not JavaCPP's to find
            if (file != null && new File(file).isAbsolute() && new File(file).isFile()) files.add(file);
        }
        files.forEach(System.out::println);
    }
}
