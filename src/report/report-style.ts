/**
 * The report's inline style sheet (the report loads nothing: no fonts, no external CSS).
 *
 * Trade-off: the system font stack instead of an embedded font (zero bytes, native look);
 * colours chosen to differ in lightness as well as hue (blue for evidence for a match, orange
 * against, dark for the total, a dashed magenta threshold), so a greyscale print still tells
 * them apart — and every chart labels its meaning in text as well.
 */
export const REPORT_CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1d232a;background:#fff}
header,main,footer{max-width:780px;margin:0 auto;padding:0 20px}
header{padding-top:20px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;padding-top:8px;border-top:1px solid #d5dae0}
h3{font-size:15px;margin:16px 0 6px}
.meta{color:#55606c;margin:0 0 8px}
nav ul{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 14px}
a{color:#1b5e96}
table.data{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
table.data th,table.data td{border-bottom:1px solid #e3e6ea;padding:3px 10px 3px 0;text-align:right;vertical-align:middle}
table.data th:first-child,table.data td.t,table.data th.l{text-align:left}
table.data th.c{text-align:center}
table.data thead th{font-weight:600;border-bottom:1px solid #9aa4ae;white-space:nowrap}
table.data tfoot th,table.data tfoot td{border-top:1px solid #9aa4ae;border-bottom:0;font-weight:600}
table.summary td{text-align:right}
table.levels{width:100%;table-layout:fixed}
table.levels th[scope=row]{font-weight:400;overflow-wrap:anywhere}
table.levels .c-num{width:84px}
table.levels .c-bar{width:200px}
table.data td{white-space:nowrap}
table.data td.t{white-space:normal}
td.bar-cell{padding:0 10px 0 0;line-height:0}
code{font:12.5px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
details{margin:4px 0 12px}
summary{cursor:pointer;color:#1b5e96}
.empty{color:#55606c;font-style:italic}
.note{color:#8a4b00;margin:4px 0}
.flag{color:#8a4b00}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
figure{margin:16px 0 20px}
figcaption{font-weight:600;overflow-wrap:anywhere}
svg.chart{display:block;max-width:100%;height:auto;margin:8px 0;overflow:visible}
svg text{font-size:12px;fill:#2b333b}
svg .tick{fill:#55606c;font-size:11px}
svg .axis-title{fill:#55606c}
svg .legend{fill:#2b333b}
svg .strong{font-weight:700}
svg .grid{stroke:#e6e9ed;stroke-width:1}
svg .axis{stroke:#4a545e;stroke-width:1}
svg .connector{stroke:#4a545e;stroke-width:1;stroke-dasharray:2 2}
svg .threshold{stroke:#b0166a;stroke-width:2;stroke-dasharray:6 4}
svg .threshold-label{fill:#b0166a;font-weight:600}
svg .bar{fill:#6f8db0}
svg .bar-accept,svg .bar-pos,svg .bar-new{fill:#1f6db0}
svg .bar-reject{fill:#a9bed3}
svg .bar-neg{fill:#dd7a2f}
svg .bar-dup{fill:#b8cde1}
svg .bar-prior{fill:#8c96a0}
svg .bar-total{fill:#26313c}
@media print{nav{display:none}h2{break-after:avoid}figure,svg{break-inside:avoid}}
`;
