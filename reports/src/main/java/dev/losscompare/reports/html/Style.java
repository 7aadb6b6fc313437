package dev.losscompare.reports.html;

/** The report's stylesheet, inlined so report.html is one self-contained file. */
final class Style {
    private Style() {}

    static final String CSS = """
            :root{--pass:#2e7d32;--pass-bg:#e8f5e9;--fail:#c62828;--fail-bg:#fdecea;--err:#b45309;--err-bg:#fff4e0;
            --ink:#1d1d1f;--mute:#5f6368;--line:#dadce0;--base:#1f77b4;--test:#ff7f0e}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:#f6f7f9}
            main{max-width:1180px;margin:0 auto;padding:0 20px 40px}
            code,.num,td.v{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
            .banner{padding:18px 20px;margin:0 -20px 18px;color:#fff}
            .banner h1{margin:0;font-size:24px;font-weight:650}
            .banner p{margin:4px 0 0;opacity:.95}
            .banner.v-pass{background:var(--pass)}.banner.v-fail{background:var(--fail)}.banner.v-error{background:var(--err)}
            h2{font-size:19px;margin:0 0 10px}h3{font-size:15px;margin:18px 0 6px}
            section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 18px}
            section.case.v-fail{border-left:6px solid var(--fail)}section.case.v-error{border-left:6px solid var(--err)}
            section.case.v-pass{border-left:6px solid var(--pass)}
            table{border-collapse:collapse;width:100%}
            th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
            th{font-weight:600;color:var(--mute);font-size:12.5px;background:#fafbfc}
            td.n,th.n{text-align:right;white-space:nowrap}
            .scroll{overflow-x:auto}th.note-col{min-width:170px}
            table.verdicts th,table.verdicts td{padding:5px 6px}small.model{color:var(--mute)}
            code.opt{white-space:nowrap;background:#f1f3f4;border-radius:3px;padding:0 4px}
            .kv{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:6px 18px;margin:12px 0 0}
            .kv div{border-left:3px solid var(--line);padding-left:8px}.kv b{display:block;font-size:11.5px;color:var(--mute);font-weight:600}
            .badge{display:inline-block;min-width:44px;text-align:center;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:700;color:#fff}
            .badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.error{background:var(--err)}.badge.none{background:#9aa0a6}
            table.verdicts tr.v-fail td{background:var(--fail-bg)}table.verdicts tr.v-error td{background:var(--err-bg)}
            table.verdicts tr.v-fail td:first-child{box-shadow:inset 4px 0 var(--fail);font-weight:700}
            table.verdicts tr.v-error td:first-child{box-shadow:inset 4px 0 var(--err);font-weight:700}
            table.verdicts th.group{text-align:center;border-left:2px solid var(--line);color:var(--ink)}
            table.verdicts td.first-of-group,table.verdicts th.first-of-group{border-left:2px solid var(--line)}
            .error-box{border:2px solid var(--err);background:var(--err-bg);color:#5a2d00;border-radius:6px;padding:10px 14px;margin:10px 0}
            .error-box strong{color:var(--err)}.error-box ul{margin:4px 0 0;padding-left:20px}
            .note{border-radius:6px;padding:8px 12px;margin:8px 0;font-size:13px}
            .note.ok{background:var(--pass-bg);color:#1b5e20}.note.warn{background:#fff8e1;border:1px solid #f0c36d}
            .note.fail{background:var(--fail-bg);color:#7f1d1d}
            .metric{border-top:1px solid var(--line);margin-top:14px}
            .metric .msg{font-weight:400;color:var(--mute);font-size:13px;margin-left:6px}
            figure{margin:6px 0}figure svg.plot{width:100%;height:auto;display:block;border:1px solid #eee;border-radius:4px}
            figure figcaption{font-size:12px;color:var(--mute);margin-top:2px}
            .diffs{display:grid;grid-template-columns:1fr 1fr;gap:12px;align-items:start}
            details.steps{margin-top:14px}details.steps summary{cursor:pointer;font-weight:600}
            .table-wrap{max-height:520px;overflow:auto;border:1px solid var(--line);margin-top:6px}
            table.steps td,table.steps th{padding:2px 8px;white-space:nowrap}table.steps th{position:sticky;top:0}
            table.steps tr.diverged td{background:#fff5f5}table.steps tr.first td{background:#fbd5d5;font-weight:700}
            table.steps td.gap{text-align:center;color:var(--mute);background:#fafafa}
            td.missing{color:var(--fail);font-style:italic}
            footer{color:var(--mute);font-size:12px;text-align:center}
            a{color:#1a56db}.nowrap{white-space:nowrap}
            .where{border-top:1px solid var(--line);margin-top:14px}.where p.located{font-weight:600}
            table.where-modules td{padding:2px 8px;white-space:nowrap}table.where-modules td.bar{width:45%}
            table.where-modules tr.first td{background:#fbd5d5;font-weight:700}
            .bar span{display:inline-block;height:10px;background:var(--fail);border-radius:2px;vertical-align:middle}
            .bar span.zero{background:none}tr.only td{color:var(--err);font-style:italic}
            """;
}
