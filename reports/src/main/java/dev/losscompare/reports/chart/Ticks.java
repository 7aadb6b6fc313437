package dev.losscompare.reports.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Axis tick positions ("nice" 1-2-5 steps, or decades on a log axis) and their labels. */
final class Ticks {
    private Ticks() {}

    static double niceStep(double range, int target, boolean integers) {
        if (!(range > 0)) return 1;
        double raw = range / Math.max(1, target);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
        return integers ? Math.max(1, Math.round(step)) : step;
    }

    static List<Double> linear(double lo, double hi, double step) {
        List<Double> out = new ArrayList<>();
        double first = Math.ceil(lo / step - 1e-9) * step;
        for (int i = 0; i < 100; i++) {
            double v = first + i * step;
            if (v > hi + step * 1e-9) break;
            out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        return out;
    }

    /** Decade exponents from lo to hi, thinned so there are at most about 7 labels. */
    static List<Integer> decades(int lo, int hi) {
        int every = Math.max(1, (int) Math.ceil((hi - lo + 1) / 7.0));
        List<Integer> out = new ArrayList<>();
        for (int e = lo; e <= hi; e++) if ((e - lo) % every == 0) out.add(e);
        return out;
    }

    static String label(double v, double step) {
        if (v == 0) return "0";
        double mag = Math.max(Math.abs(v), step);
        if (step >= 1 && mag < 1e7) return Long.toString(Math.round(v));
        if (step >= 1e-3 && mag < 1e6) {
            int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        return compactSci(v);
    }

    static String decade(int e) {
        return e == 0 ? "1" : e == 1 ? "10" : "1e" + e;
    }

    /** "2.50e-07" becomes "2.5e-7". */
    static String compactSci(double v) {
        String s = String.format(Locale.ROOT, "%.2e", v);
        int e = s.indexOf('e');
        String mant = s.substring(0, e);
        if (mant.contains(".")) mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
        int exp = Integer.parseInt(s.substring(e + 1));
        return mant + "e" + exp;
    }
}
