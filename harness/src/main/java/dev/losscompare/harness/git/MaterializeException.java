package dev.losscompare.harness.git;

import dev.losscompare.harness.UsageException;

/**
 * A revision that cannot be written out faithfully (a submodule whose commit is not here, a Git
 * LFS pointer, a required filter that is not configured): one line naming the file or submodule,
 * and the harness stops with exit 2 rather than compare something other than the code.
 */
public class MaterializeException extends UsageException {
    public MaterializeException(String message) {
        super(Reason.REVISION, message);
    }
}
