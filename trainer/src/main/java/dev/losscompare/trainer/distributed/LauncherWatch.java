package dev.losscompare.trainer.distributed;

import java.util.Optional;

/**
 * A rank started by {@link Launcher} exits when the launcher is gone (e.g. killed with SIGKILL,
 * which gives it no chance to stop its ranks), so no rank outlives its launcher.
 */
final class LauncherWatch {
    static final String ENV = "LOSS_COMPARE_LAUNCHER_PID";

    private LauncherWatch() {}

    static void startIfLaunched() {
        String pid = System.getenv(ENV);
        if (pid == null || pid.isBlank()) return;
        Optional<ProcessHandle> launcher = ProcessHandle.of(Long.parseLong(pid.trim()));
        Thread watch = new Thread(() -> {
            while (launcher.map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("error: the launcher (pid " + pid.trim() + ") is gone; this rank stops");
            java.lang.Runtime.getRuntime().halt(1);
        }, "launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
