package dev.losscompare.trainer.distributed;

import dev.losscompare.trainer.config.ConfigException;

/**
 * Slurm's compressed host lists ({@code node[1-3,5]}, {@code gpu[01-04]-ib,login1},
 * {@code rack[1-2]-n[001-004]}): the first host is the first entry with every bracket replaced
 * by its first number, zero padding kept — what {@code scontrol show hostnames | head -n 1} prints.
 */
final class SlurmHostlist {
    private SlurmHostlist() {}

    static String first(String hostlist) {
        String list = hostlist.trim();
        StringBuilder host = new StringBuilder();
        int i = 0;
        while (i < list.length()) {
            char c = list.charAt(i);
            if (c == ',') break; // end of the first entry (commas inside brackets are skipped below)
            if (c == '[') {
                int close = list.indexOf(']', i);
                if (close < 0) throw bad(hostlist, "unclosed '['");
                host.append(firstOfRange(list.substring(i + 1, close), hostlist));
                i = close + 1;
            } else if (c == ']') {
                throw bad(hostlist, "']' without '['");
            } else {
                host.append(c);
                i++;
            }
        }
        if (host.length() == 0) throw bad(hostlist, "no host");
        return host.toString();
    }

    private static String firstOfRange(String ranges, String hostlist) {
        String first = ranges.split(",", -1)[0];
        String start = first.split("-", -1)[0];
        if (start.isEmpty() || !start.chars().allMatch(Character::isDigit)) throw bad(hostlist, "range '" + first + "' is not numeric");
        return start;
    }

    private static ConfigException bad(String hostlist, String why) {
        return new ConfigException("bad SLURM_JOB_NODELIST '" + hostlist + "': " + why);
    }
}
