package dev.losscompare.harness.diagnose;

/**
 * When a case is diagnosed: {@link #AUTO} a FAIL on a value (the default), {@link #OFF}
 * ({@code --no-diagnose}) never, {@link #FORCE} ({@code --diagnose}) also a PASS.
 */
public enum DiagnoseMode {
    AUTO, OFF, FORCE
}
