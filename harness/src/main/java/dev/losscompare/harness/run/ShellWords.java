package dev.losscompare.harness.run;

import dev.losscompare.harness.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an option string like a POSIX shell splits words — blanks separate, '...' is literal,
 * "..." keeps blanks and honours \" \\ \$ \`, a backslash outside quotes escapes one character —
 * but nothing is expanded and no shell ever runs, so a value cannot inject a command.
 */
public final class ShellWords {
    private ShellWords() {}

    public static List<String> split(String text, String flag) {
        List<String> words = new ArrayList<>();
        if (text == null) return words;
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) throw new UsageException(flag + ": unterminated ' quote in: " + text);
                word.append(text, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = readDoubleQuoted(text, i + 1, word, flag);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) throw new UsageException(flag + ": trailing backslash in: " + text);
                char next = text.charAt(i + 1);
                if (next != '\n') {   // backslash-newline is a line continuation
                    word.append(next);
                    inWord = true;
                }
                i += 2;
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) words.add(word.toString());
                word.setLength(0);
                inWord = false;
                i++;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) words.add(word.toString());
        return words;
    }

    /** Reads from just after an opening " to just after its closing ", returning the next index. */
    private static int readDoubleQuoted(String text, int i, StringBuilder word, String flag) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') return i + 1;
            if (c == '\\' && i + 1 < n) {
                char next = text.charAt(i + 1);
                if (next == '"' || next == '\\' || next == '$' || next == '`') {
                    word.append(next);
                    i += 2;
                    continue;
                }
                if (next == '\n') {
                    i += 2;
                    continue;
                }
            }
            word.append(c);
            i++;
        }
        throw new UsageException(flag + ": unterminated \" quote in: " + text);
    }
}
