package dev.losscompare.harness.cache;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where caches live: LOSS_COMPARE_CACHE if set (tests, CI), else $XDG_CACHE_HOME/loss_compare,
 * else ~/.cache/loss_compare.
 */
public final class CacheLocation {
    private CacheLocation() {}

    public static Path resolve(Map<String, String> env) {
        String explicit = env.get("LOSS_COMPARE_CACHE");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit).toAbsolutePath();
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "loss_compare").toAbsolutePath();
        return Path.of(System.getProperty("user.home"), ".cache", "loss_compare");
    }

    /**
     * Where builds are kept by their sources: LOSS_COMPARE_BUILD_STORE if set (the tests share one
     * across their caches), else the cache's builds/ folder.
     */
    public static Path buildStore(Map<String, String> env, Path cacheDir) {
        String explicit = env.get(RevisionCache.BUILD_STORE_VARIABLE);
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit).toAbsolutePath();
        return defaultBuildStore(cacheDir);
    }

    static Path defaultBuildStore(Path cacheDir) {
        return cacheDir.resolve("builds");
    }
}
