import Foundation

/// The report page's stylesheet, inlined in the page: the file must open anywhere without fetching anything, so
/// the fonts are the system's own and the charts take their colors from these classes.
enum DriftReportStyle {
    static let css = """
        :root {
          --text: #1f2328; --muted: #656d76; --faint: #8c959f; --border: #d8dee4; --rule: #eaeef2;
          --page: #f4f6f8; --card: #ffffff;
          --red: #c62f2b; --red-bg: #fdecea; --green: #18794e; --green-bg: #e3f5eb;
          --amber: #8a5a00; --amber-bg: #fff4d4; --ref: #4e79a7; --cur: #f28e2b;
          color-scheme: light;
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body {
          margin: 0; background: var(--page); color: var(--text); line-height: 1.45; font-size: 14px;
          font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial,
            "Noto Sans", "Liberation Sans", sans-serif;
        }
        main { max-width: 1240px; margin: 0 auto; padding: 28px 28px 40px; }
        h1, h2, h3 { margin: 0; line-height: 1.25; }
        h1 { font-size: 24px; font-weight: 650; }
        h2 { font-size: 17px; font-weight: 650; }
        h3 { font-size: 14px; font-weight: 600; }
        code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
        .muted { color: var(--muted); }
        .page-header { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px;
          flex-wrap: wrap; margin-bottom: 18px; }
        .eyebrow { margin: 0 0 4px; font-size: 12px; letter-spacing: .06em; text-transform: uppercase;
          color: var(--muted); }
        .model-name { color: var(--muted); font-weight: 500; }
        .generated { margin: 0; color: var(--muted); font-size: 13px; }
        nav.toc { display: flex; gap: 6px; flex-wrap: wrap; margin: 0 0 18px; }
        nav.toc a { color: var(--text); text-decoration: none; font-size: 13px; padding: 4px 10px;
          border: 1px solid var(--border); border-radius: 999px; background: var(--card); }
        nav.toc a:hover { border-color: var(--faint); }
        .card { background: var(--card); border: 1px solid var(--border); border-radius: 10px;
          box-shadow: 0 1px 2px rgba(31, 35, 40, .04); }
        section { margin-bottom: 22px; }
        .section-head { display: flex; justify-content: space-between; align-items: baseline; gap: 12px;
          flex-wrap: wrap; margin: 0 0 10px; }
        .section-note { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
        .verdict-card { padding: 20px 22px; border-left-width: 6px; }
        .verdict-card.drifted { border-left-color: var(--red); }
        .verdict-card.healthy { border-left-color: var(--green); }
        .verdict-card.empty { border-left-color: var(--faint); }
        .verdict-line { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; }
        .verdict { display: inline-flex; align-items: center; gap: 8px; padding: 7px 14px; border-radius: 999px;
          font-size: 16px; font-weight: 700; letter-spacing: .01em; white-space: nowrap; }
        .verdict::before { content: ""; width: 10px; height: 10px; border-radius: 50%; background: currentColor; }
        .verdict.drifted { background: var(--red-bg); color: var(--red); }
        .verdict.healthy { background: var(--green-bg); color: var(--green); }
        .verdict.empty { background: var(--rule); color: var(--muted); }
        .verdict-summary { margin: 0; font-size: 15px; }
        .meter { position: relative; height: 10px; margin: 18px 0 6px; border-radius: 999px; background: var(--rule); }
        .meter-fill { position: absolute; inset: 0 auto 0 0; border-radius: 999px; }
        .drifted .meter-fill { background: var(--red); }
        .healthy .meter-fill, .empty .meter-fill { background: var(--green); }
        .meter-threshold { position: absolute; top: -5px; bottom: -5px; width: 2px; margin-left: -1px;
          background: var(--text); }
        .meter-labels { position: relative; height: 16px; font-size: 12px; color: var(--muted);
          font-variant-numeric: tabular-nums; }
        .meter-labels span { position: absolute; top: 0; white-space: nowrap; }
        .facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 14px 24px;
          margin: 16px 0 0; padding-top: 16px; border-top: 1px solid var(--rule); }
        .facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
        .facts dd { margin: 2px 0 0; overflow-wrap: anywhere; }
        .facts .rows { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
        .table-wrap { overflow-x: auto; }
        table { width: 100%; border-collapse: collapse; font-size: 13px; }
        th, td { padding: 7px 12px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--rule); }
        thead th { position: sticky; top: 0; z-index: 1; background: #f8f9fb; color: var(--muted); font-size: 12px;
          font-weight: 600; white-space: nowrap; border-bottom: 1px solid var(--border); }
        thead th:first-child { border-top-left-radius: 10px; }
        thead th:last-child { border-top-right-radius: 10px; }
        tbody tr:last-child td { border-bottom: none; }
        tbody tr:hover td { background: #f8fafc; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.name { font-weight: 600; max-width: 28ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        td.kind, td.role { color: var(--muted); }
        td.test { white-space: nowrap; }
        tr[data-drifted="true"] td.name { color: var(--red); }
        .pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600;
          white-space: nowrap; }
        .pill.drifted { background: var(--red-bg); color: var(--red); }
        .pill.healthy { background: var(--green-bg); color: var(--green); }
        .pill.unknown { background: var(--amber-bg); color: var(--amber); }
        .pill.absent { background: var(--rule); color: var(--muted); }
        .reason { margin-top: 3px; color: var(--amber); font-size: 12px; max-width: 34ch; overflow-wrap: anywhere; }
        .tag { display: inline-block; margin: 0 4px 3px 0; padding: 0 6px; border-radius: 4px; background: #f0f2f5;
          font-size: 12px; max-width: 22ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
          vertical-align: bottom; }
        .filter { display: inline-flex; align-items: center; gap: 6px; font-size: 13px; color: var(--muted);
          cursor: pointer; user-select: none; }
        body:has(#only-drifted:checked) [data-drifted="false"].feature-row,
        body:has(#only-drifted:checked) [data-drifted="false"].feature-card { display: none; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
        .chart-card { padding: 12px 14px 10px; min-width: 0; }
        .chart-card header { display: flex; justify-content: space-between; align-items: center; gap: 10px;
          margin-bottom: 4px; }
        .chart-card h3 { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .chart-card[data-drifted="true"] { border-top: 3px solid var(--red); }
        .chart-card[data-drifted="unknown"] { border-top: 3px solid #e3b341; }
        .chart-note { margin: 4px 0 0; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
        .no-plot { margin: 18px 0; padding: 18px; text-align: center; color: var(--muted); font-size: 13px;
          background: #f8f9fb; border-radius: 8px; }
        .latest { font-size: 13px; font-variant-numeric: tabular-nums; color: var(--muted); white-space: nowrap; }
        .latest strong { color: var(--text); }
        .empty-state { padding: 22px; text-align: center; color: var(--muted); }
        svg { display: block; width: 100%; height: auto; overflow: visible; }
        svg text { font-variant-numeric: tabular-nums; }
        svg .ref { fill: var(--ref); }
        svg .cur { fill: var(--cur); }
        svg.distribution rect.ref { fill-opacity: .78; }
        svg .cur-line { fill: none; stroke: var(--cur); stroke-width: 2; stroke-linejoin: round; }
        svg .hit { fill: transparent; }
        svg .hit:hover, svg g:hover > .hit { fill: rgba(31, 35, 40, .06); }
        svg .grid { stroke: var(--rule); stroke-width: 1; }
        svg .axis { stroke: #afb8c1; stroke-width: 1; }
        svg .tick { font-size: 10px; fill: var(--muted); }
        svg .label { font-size: 11px; fill: var(--text); }
        svg .empty { font-size: 12px; fill: var(--faint); }
        svg .threshold { stroke: var(--red); stroke-width: 1.2; stroke-dasharray: 4 3; }
        svg .threshold-label { font-size: 10px; fill: var(--red); }
        svg .series { fill: none; stroke: var(--ref); stroke-width: 2; stroke-linejoin: round; }
        svg .point { fill: var(--card); stroke: var(--ref); stroke-width: 1.5; }
        svg .point.last { fill: var(--ref); }
        footer { margin-top: 28px; color: var(--faint); font-size: 12px; text-align: center; }
        @media (max-width: 640px) { main { padding: 16px 12px 28px; } .charts { grid-template-columns: 1fr; } }
        @media print {
          body { background: #fff; } .card { box-shadow: none; } nav.toc, .filter { display: none; }
          .chart-card { break-inside: avoid; } thead th { position: static; }
        }
        """
}
