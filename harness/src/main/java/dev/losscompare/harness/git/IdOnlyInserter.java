package dev.losscompare.harness.git;

import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * An inserter that only computes object ids: writing an in-memory index's trees through it yields
 * the tree ids git would compute, and nothing reaches any object database.
 */
final class IdOnlyInserter extends ObjectInserter.Formatter {
    @Override
    public ObjectId insert(int type, long length, InputStream in) throws IOException {
        return idFor(type, length, in);
    }

    @Override
    public ObjectId insert(int type, byte[] data, int off, int len) {
        return idFor(type, data, off, len);
    }
}
