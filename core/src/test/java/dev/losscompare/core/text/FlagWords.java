package dev.losscompare.core.text;

/** Words as a command line writes settings ("--rank", "--rank=N"), for tests of text that names a setting. */
public final class FlagWords implements SettingWords {
    public static final FlagWords INSTANCE = new FlagWords();

    private FlagWords() {}

    @Override
    public String name(Setting s) {
        return "--" + s.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @Override
    public String withValue(Setting s, String value) {
        return name(s) + "=" + value;
    }
}
