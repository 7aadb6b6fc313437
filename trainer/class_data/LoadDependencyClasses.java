import java.io.File;
import java.io.IOException;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Run once by trainer/class_data.sh under -XX:ArchiveClassesAtExit, with only the trainer's
 * dependency jars on the class path: loads (without initializing) every class in them, so the
 * archive the JVM writes at exit holds them all and no class of a revision's own build.
 * Started as a source file (java LoadDependencyClasses.java): it lives in no jar on the class path.
 */
public class LoadDependencyClasses {
    public static void main(String[] args) throws IOException {
        ClassLoader app = ClassLoader.getSystemClassLoader();
        int loaded = 0, skipped = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.endsWith(".jar")) continue;
            try (JarFile jar = new JarFile(entry)) {
                for (JarEntry e : Collections.list(jar.entries())) {
                    String name = e.getName();
                    if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) continue;
                    try {
                        Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false, app);
                        loaded++;
                    } catch (LinkageError | ClassNotFoundException notLoadable) {
                        skipped++; // e.g. an optional dependency's class that is absent: the trainer never loads it either
                    }
                }
            }
        }
        System.out.println("loaded " + loaded + " classes, skipped " + skipped);
    }
}
