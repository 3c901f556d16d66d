// The dashboard's pages: plain browser JavaScript, no build step. Reads only the JSON API and the
// event stream (/api/stream) of the server that serves it; charts with lightweight-charts
// (served from node_modules as /assets/lightweight-charts.js). See docs/DASHBOARD.md.
"use strict";

(function () {
  const page = document.body.dataset.page;
  const token = new URLSearchParams(location.search).get("token");
  const main = document.getElementById("main");
  const LWC = window.LightweightCharts;

  // ─── helpers ───────────────────────────────────────────────────────────────────────────
  const withToken = (path) => (token === null ? path : path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token));
  const api = async (path) => {
    const res = await fetch(withToken(path));
    if (!res.ok) throw new Error(path + ": " + res.status + " " + (await res.text()));
    return res.json();
  };
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  /** USD with two decimals and thousands separators, as the terminal report prints them. */
  const usd = (x) => (x === null || x === undefined ? "–" : x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  const pct = (x, d = 2) => (x === null || x === undefined ? "–" : (x * 100).toFixed(d) + " %");
  const fix = (x, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d));
  /** Integers as they are, other numbers with `d` decimals. */
  const num = (x, d = 3) => (x === null || x === undefined ? "–" : Number.isInteger(x) ? String(x) : fix(x, d));
  const cls = (x) => (x === null || x === undefined ? "" : x > 0 ? "pos" : x < 0 ? "neg" : "");
  const utc = (ms) => (ms === null || ms === undefined ? "–" : new Date(ms).toISOString().slice(0, 16).replace("T", " "));
  const dur = (ms) => {
    if (ms === null || ms === undefined) return "–";
    const h = ms / 3_600_000;
    return h >= 48 ? (h / 24).toFixed(1) + " d" : h >= 1 ? h.toFixed(1) + " h" : Math.round(ms / 60_000) + " min";
  };
  const coin = (key) => String(key).split(":").slice(2).join(":") || key;
  const chartSeconds = (ms) => Math.floor(ms / 1000);
  const debounce = (fn, ms) => {
    let t;
    return () => {
      clearTimeout(t);
      t = setTimeout(fn, ms);
    };
  };
  const COLORS = ["#2962ff", "#e65100", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#ad1457", "#5d4037", "#455a64", "#f9a825", "#1565c0", "#558b2f", "#8e24aa"];

  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.nav === page) a.classList.add("active");
    if (token !== null) a.href = withToken(a.getAttribute("href"));
  }
  const setAsOf = (ms) => {
    document.getElementById("asof").textContent = "as of " + utc(ms) + " UTC (the journal's last event)";
  };
  const newChart = (el, height) =>
    LWC.createChart(el, {
      height,
      layout: { background: { color: "#ffffff" }, textColor: "#1d232a", fontSize: 11 },
      grid: { vertLines: { color: "#f0f2f5" }, horzLines: { color: "#f0f2f5" } },
      // A year of hourly snapshots must fit the width.
      timeScale: { timeVisible: true, secondsVisible: false, minBarSpacing: 0.001 },
      rightPriceScale: { borderVisible: false },
      localization: { timeFormatter: (t) => utc(t * 1000) + " UTC" },
    });
  /** lightweight-charts wants strictly increasing times (seconds). */
  const uniqueTimes = (points) => {
    const out = [];
    for (const p of points) {
      if (out.length > 0 && out[out.length - 1].time >= p.time) out[out.length - 1] = p;
      else out.push(p);
    }
    return out;
  };

  // ─── live stream ──────────────────────────────────────────────────────────────────────
  const liveEl = document.getElementById("live");
  const onChange = [];
  const es = new EventSource(withToken("/api/stream"));
  es.addEventListener("hello", () => {
    liveEl.textContent = "live";
    liveEl.classList.remove("off");
  });
  es.onerror = () => {
    liveEl.textContent = "disconnected (retrying)";
    liveEl.classList.add("off");
  };
  for (const kind of ["signal", "fill", "outcome", "equity"]) {
    es.addEventListener(kind, (e) => {
      const data = JSON.parse(e.data);
      for (const f of onChange) f(kind, data);
    });
  }

  // ─── overview ─────────────────────────────────────────────────────────────────────────
  async function overview() {
    const bootEl = document.getElementById("boot");
    let booksData = bootEl === null ? null : JSON.parse(bootEl.textContent);
    if (booksData === null) booksData = await api("/api/books");
    let selected = "combined";
    main.innerHTML = `
      <h2>Books</h2>
      <table id="books"></table>
      <p class="note">Each strategy trades its own paper book; <b>combined</b> is every strategy in one account. P&amp;L today: since 00:00 UTC of the as-of day. Drawdown: below the running peak (from the starting equity).</p>
      <h2>Equity <span class="muted" style="font-weight:normal">(combined solid, strategy books thin)</span></h2>
      <div id="equity" class="chart"></div>
      <h2>Drawdown — <span id="ddbook"></span></h2>
      <div id="drawdown" class="chart small"></div>
      <h2>Open positions — <select id="posbook"></select></h2>
      <table id="positions"></table>
      <p class="note" id="marknote"></p>`;
    const eqChart = newChart(document.getElementById("equity"), 300);
    const ddChart = newChart(document.getElementById("drawdown"), 160);
    const ddSeries = ddChart.addSeries(LWC.AreaSeries, { lineColor: "#b3261e", topColor: "rgba(179,38,30,0.05)", bottomColor: "rgba(179,38,30,0.35)", lineWidth: 1, priceFormat: { type: "custom", minMove: 0.01, formatter: (v) => v.toFixed(2) + " %" } });
    const eqSeries = new Map();

    function renderBooks() {
      setAsOf(booksData.asOfMs);
      const rows = booksData.books
        .map((b) => {
          const l = b.latest;
          return `<tr class="clickable" data-book="${esc(b.book)}">
            <td>${b.book === "combined" ? "<b>combined</b>" : esc(b.book)}</td>
            <td class="num" data-figure="equity:${esc(b.book)}">${usd(l && l.equityUsd)}</td>
            <td class="num ${cls(b.pnlTodayUsd)}" data-figure="pnlToday:${esc(b.book)}">${usd(b.pnlTodayUsd)}</td>
            <td class="num ${cls(b.pnlTotalUsd)}" data-figure="pnlTotal:${esc(b.book)}">${usd(b.pnlTotalUsd)}</td>
            <td class="num">${usd(b.startingEquityUsd)}</td>
            <td class="num">${pct(b.drawdown)}</td><td class="num">${pct(b.maxDrawdown)}</td>
            <td class="num">${l ? l.openPositions : "–"}</td><td class="num ${cls(l && l.unrealizedUsd)}">${usd(l && l.unrealizedUsd)}</td>
            <td>${utc(l && l.tsMs)}</td></tr>`;
        })
        .join("");
      document.getElementById("books").innerHTML =
        `<tr><th>book</th><th class="num">equity USD</th><th class="num">P&amp;L today</th><th class="num">P&amp;L total</th><th class="num">starting</th><th class="num">drawdown</th><th class="num">max drawdown</th><th class="num">open</th><th class="num">unrealised</th><th>last snapshot (UTC)</th></tr>` + rows;
      for (const tr of document.querySelectorAll("#books tr[data-book]")) tr.onclick = () => select(tr.dataset.book);
      const sel = document.getElementById("posbook");
      sel.innerHTML = booksData.books.map((b) => `<option ${b.book === selected ? "selected" : ""}>${esc(b.book)}</option>`).join("");
      sel.onchange = () => select(sel.value);
    }

    async function loadEquity() {
      const all = await Promise.all(booksData.books.map((b) => api("/api/equity?book=" + encodeURIComponent(b.book))));
      all.forEach((e, i) => {
        let s = eqSeries.get(e.book);
        if (s === undefined) {
          s = eqChart.addSeries(LWC.LineSeries, { color: COLORS[i % COLORS.length], lineWidth: e.book === "combined" ? 3 : 1, title: e.book, priceLineVisible: false, lastValueVisible: e.book === "combined" });
          eqSeries.set(e.book, s);
        }
        s.setData(uniqueTimes(e.points.map((p) => ({ time: chartSeconds(p.tsMs), value: p.equityUsd }))));
        if (e.book === selected) {
          ddSeries.setData(uniqueTimes(e.points.map((p) => ({ time: chartSeconds(p.tsMs), value: -p.drawdown * 100 }))));
          document.getElementById("ddbook").textContent = e.book;
        }
      });
    }

    async function loadPositions() {
      const p = await api("/api/positions?book=" + encodeURIComponent(selected));
      const rows = p.positions
        .map(
          (x) => `<tr><td>${esc(x.strategy)}</td><td>${esc(coin(x.market))}${x.legs.length > 1 ? " +" + (x.legs.length - 1) + " leg" : ""}</td><td>${x.side}</td>
          <td class="num">${fix(x.legs[0].entryPx, 4)}</td><td class="num">${x.legs[0].markPx === null ? "–" : fix(x.legs[0].markPx, 4)}</td>
          <td class="num ${cls(x.unrealizedUsd)}" data-figure="upnl:${esc(x.id)}">${usd(x.unrealizedUsd)}</td>
          <td class="num">${pct(x.toStop)}</td><td class="num">${pct(x.toTarget)}</td>
          <td class="num">${dur(x.ageMs)} / ${dur(x.maxHoldMs)}</td><td><span class="progress"><span style="width:${Math.min(100, Math.max(0, x.ageOfMaxHold * 100)).toFixed(0)}%"></span></span></td>
          <td>${utc(x.openedMs)}</td></tr>`,
        )
        .join("");
      document.getElementById("positions").innerHTML =
        `<tr><th>strategy</th><th>market</th><th>side</th><th class="num">entry</th><th class="num">mark</th><th class="num">unrealised USD</th><th class="num">to stop</th><th class="num">to target</th><th class="num">age / max hold</th><th></th><th>opened (UTC)</th></tr>` +
        (rows || `<tr><td colspan="11" class="muted">no open position in ${esc(selected)}</td></tr>`);
      document.getElementById("marknote").textContent =
        "Marks: the last price the journal knows per market (a fill or a funding settlement's oracle price): " +
        (p.prices.map((m) => coin(m.market) + " " + fix(m.px, 4) + " at " + utc(m.tsMs)).join(", ") || "none") +
        ". Unrealised P&L is before fees and funding; distances are fractions of the mark.";
    }

    async function select(book) {
      selected = book;
      renderBooks();
      await Promise.all([loadEquity(), loadPositions()]);
    }

    renderBooks();
    await Promise.all([loadEquity(), loadPositions()]);
    eqChart.timeScale().fitContent();
    ddChart.timeScale().fitContent();
    const refresh = debounce(async () => {
      booksData = await api("/api/books");
      renderBooks();
      await Promise.all([loadEquity(), loadPositions()]);
    }, 300);
    onChange.push((kind, data) => {
      // An equity snapshot shows at once; the derived figures follow with the refresh.
      if (kind === "equity") {
        const b = booksData.books.find((x) => x.book === data.book);
        if (b !== undefined) b.latest = data;
        const cell = document.querySelector(`[data-figure="equity:${CSS.escape(data.book)}"]`);
        if (cell !== null) cell.textContent = usd(data.equityUsd);
        const s = eqSeries.get(data.book);
        if (s !== undefined) {
          try {
            s.update({ time: chartSeconds(data.tsMs), value: data.equityUsd });
          } catch {
            // an update older than the series' last point: the refresh redraws it
          }
        }
      }
      refresh();
    });
  }

  // ─── strategies ───────────────────────────────────────────────────────────────────────
  async function strategies() {
    async function load() {
      const [report, trades] = await Promise.all([api("/api/report"), api("/api/strategies")]);
      document.getElementById("asof").textContent = "report period: " + report.period.text;
      const byStrategy = new Map(trades.strategies.map((s) => [s.strategy, s]));
      const signals = new Map(report.signals.map((s) => [s.strategy, s]));
      const lifecycle = new Map(report.lifecycle.map((l) => [l.strategy, l]));
      const card = (perf, name) => {
        const f = perf.figures;
        const v = perf.verdict;
        const t = byStrategy.get(name);
        const sig = signals.get(name);
        const life = lifecycle.get(name);
        const tradesCrit = v.criteria.find((c) => c.criterion === "trades");
        const need = tradesCrit ? tradesCrit.threshold : 30;
        const interval = (key) => {
          const i = f.intervals[key];
          return i && i.lower !== null ? `[${fix(i.lower, 3)}, ${fix(i.upper, 3)}]` : `<span class="muted">${esc((i && i.undefinedReason) || "no interval")}</span>`;
        };
        const ciFor = { winRate: "winRate", profitFactor: "profitFactor", sharpe: "sharpe" };
        const crit = v.criteria
          .map(
            (c) => `<tr><td>${esc(c.criterion)}</td><td class="num">${num(c.measured)}</td><td>${esc(c.comparison)} ${num(c.threshold)}</td>
            <td>${ciFor[c.criterion] ? interval(ciFor[c.criterion]) : ""}</td>
            <td><span class="badge ${c.pass ? "pass" : "fail"}">${c.pass ? "pass" : "fail"}</span></td><td><span class="badge ${c.confident ? "pass" : "fail"}">${c.confident ? "confident" : "not confident"}</span></td></tr>`,
          )
          .join("");
        const refusals = (counts) =>
          Object.entries(counts || {})
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${esc(k)} ×${n}`)
            .join(", ") || "none";
        const exits = t
          ? Object.entries(t.exitReasons)
              .sort((a, b) => b[1].n - a[1].n)
              .map(([k, e]) => `<tr><td>${esc(k)}</td><td class="num">${e.n}</td><td class="num ${cls(e.pnlUsd)}">${usd(e.pnlUsd)}</td></tr>`)
              .join("")
          : "";
        const trialN = report.variants[name];
        return `<div class="card" data-strategy="${esc(name)}">
          <h3>${esc(name)} <span class="badge ${v.confidentPass ? "pass" : v.pass ? "" : "fail"}">${v.confidentPass ? "passes with confidence" : v.pass ? "passes (not confident)" : "fails its gate"}</span></h3>
          <div class="note">${esc(v.reason)}</div>
          ${perf.lifecycle ? `<div>lifecycle: <b>${esc((life && life.current) || "(none)")}</b> → recommended <b>${esc(perf.lifecycle.recommendation)}</b> <span class="muted">(${esc(perf.lifecycle.reason)})</span>${report.completeness.complete ? "" : ' <span class="badge fail">provisional</span>'}</div>` : ""}
          <div>progress: trades <b data-figure="trades:${esc(name)}">${f.trades.trades}</b>/${need} <span class="progress"><span style="width:${Math.min(100, (100 * f.trades.trades) / need).toFixed(0)}%"></span></span>
            · effective N ${fix(f.effectiveTrades.effective, 1)} · ${report.period.days} days · min track record ${v.minTrackRecordDays === null ? "–" : fix(v.minTrackRecordDays, 0) + " d"}</div>
          <div>total P&amp;L <span class="${cls(f.trades.totalPnlUsd)}">${usd(f.trades.totalPnlUsd)} USD</span> · max drawdown ${pct(f.maxDrawdown.fraction)} · Sharpe ${fix(f.sharpe.annualised)} ${interval("sharpe")}</div>
          <div>PSR(0) ${fix(f.psrZero, 3)} · DSR ${f.deflated ? fix(f.deflated.value, 3) : "–"} with N = ${trialN ?? (f.deflated && f.deflated.trials) ?? "–"} trial(s) · PSR at the gate ${fix(v.psrAtThreshold, 3)}</div>
          <table><tr><th>criterion</th><th class="num">measured</th><th>threshold</th><th>90 % CI</th><th>plain</th><th>with confidence</th></tr>${crit}</table>
          ${t ? `<h3>Exit reasons <span class="muted">(${esc(t.book)} book)</span></h3><table><tr><th>reason</th><th class="num">trades</th><th class="num">P&amp;L USD</th></tr>${exits || '<tr><td colspan="3" class="muted">no trades</td></tr>'}</table>
          <div>long ${t.sides.long.n} trades, <span class="${cls(t.sides.long.pnlUsd)}">${usd(t.sides.long.pnlUsd)} USD</span> · short ${t.sides.short.n} trades, <span class="${cls(t.sides.short.pnlUsd)}">${usd(t.sides.short.pnlUsd)} USD</span></div>` : ""}
          ${sig ? `<h3>Signals</h3><div>fired ${sig.fired}; own book: accepted ${sig.own ? sig.own.accepted : "–"}, refused ${sig.own ? refusals(sig.own.refusedByCode) : "–"}</div><div>combined book: accepted ${sig.accepted}, refused ${refusals(sig.refusedByCode)}</div>` : ""}
        </div>`;
      };
      main.innerHTML =
        `<p>Period ${esc(report.period.text)} · trials: ${esc(report.trials.text)}</p>` +
        (report.completeness.complete ? "" : `<p class="neg">PROVISIONAL: ${esc(report.completeness.reason)}</p>`) +
        `<div class="cards">${report.performance.strategies.map((s) => card(s, s.figures.name)).join("")}${card(report.performance.combined, "combined")}</div>` +
        (report.notes.length ? `<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "");
    }
    await load();
    // The report is the costliest read: at most once a minute while trades close.
    let last = Date.now();
    const later = debounce(() => {
      last = Date.now();
      void load();
    }, 60_000);
    onChange.push((kind) => {
      if (kind !== "outcome" && kind !== "equity") return;
      if (Date.now() - last > 60_000) {
        last = Date.now();
        void load();
      } else later();
    });
  }

  // ─── signals ──────────────────────────────────────────────────────────────────────────
  async function signals() {
    const books = (await api("/api/books")).books.map((b) => b.book);
    const params = new URLSearchParams(location.search);
    const state = { strategy: params.get("strategy") || "", book: params.get("book") || "combined", from: params.get("from") || "", to: params.get("to") || "", offset: 0, limit: 100 };
    main.innerHTML = `
      <div class="filters">
        <label>strategy <input id="f-strategy" placeholder="any" value="${esc(state.strategy)}"></label>
        <label>book (decision) <select id="f-book">${books.map((b) => `<option ${b === state.book ? "selected" : ""}>${esc(b)}</option>`).join("")}</select></label>
        <label>from (UTC) <input id="f-from" type="date" value="${esc(state.from)}"></label>
        <label>to (UTC, excl.) <input id="f-to" type="date" value="${esc(state.to)}"></label>
        <button id="f-apply">apply</button>
        <span id="pager"></span>
      </div>
      <table id="ledger"></table>
      <div id="detail"></div>`;
    const decision = (d) => (d ? `<span class="badge ${d.accepted ? "pass" : "fail"}">${esc(d.code)}</span>` : '<span class="muted">–</span>');
    let rows = [];
    async function load() {
      const q = new URLSearchParams({ book: state.book, limit: String(state.limit), offset: String(state.offset) });
      if (state.strategy) q.set("strategy", state.strategy);
      if (state.from) q.set("from", state.from);
      if (state.to) q.set("to", state.to);
      const data = await api("/api/signals?" + q.toString());
      rows = data.signals;
      document.getElementById("pager").innerHTML = `${data.total === 0 ? 0 : state.offset + 1}–${state.offset + rows.length} of ${data.total} <button id="prev" ${state.offset === 0 ? "disabled" : ""}>newer</button> <button id="next" ${state.offset + rows.length >= data.total ? "disabled" : ""}>older</button>`;
      document.getElementById("prev").onclick = () => {
        state.offset = Math.max(0, state.offset - state.limit);
        void load();
      };
      document.getElementById("next").onclick = () => {
        state.offset += state.limit;
        void load();
      };
      document.getElementById("ledger").innerHTML =
        `<tr><th>created (UTC)</th><th>strategy</th><th>market</th><th>side</th><th>conf.</th><th class="num">entry</th><th class="num">stop</th><th class="num">target</th><th>${esc(state.book)} decision</th><th>own book</th><th>reason</th></tr>` +
        (rows
          .map(
            (r, i) => `<tr class="clickable" data-i="${i}"><td>${utc(r.signal.createdMs)}</td><td>${esc(r.signal.strategy)}</td><td>${esc(coin(r.signal.market.key))}</td><td>${r.signal.side}</td><td>${esc(r.signal.confidence)}</td>
            <td class="num">${fix(r.signal.entryPx, 4)}</td><td class="num">${fix(r.signal.stopPx, 4)}</td><td class="num">${fix(r.signal.targetPx, 4)}</td>
            <td>${decision(r.decision)}${r.entryUnfilledCode ? ` <span class="muted">unfilled: ${esc(r.entryUnfilledCode)}</span>` : ""}</td><td>${decision(r.ownDecision)}</td><td>${esc(r.signal.reason)}</td></tr>`,
          )
          .join("") || '<tr><td colspan="11" class="muted">no signal matches</td></tr>');
      for (const tr of document.querySelectorAll("#ledger tr[data-i]")) tr.onclick = () => void open(rows[Number(tr.dataset.i)]);
    }
    async function open(row) {
      const d = await api("/api/signal?id=" + encodeURIComponent(row.signal.id) + "&book=" + encodeURIComponent(state.book));
      const s = d.signal;
      const kv = (o) => Object.entries(o).map(([k, v]) => `<tr><td>${esc(k)}</td><td class="num">${typeof v === "number" ? fix(v, 6) : esc(JSON.stringify(v))}</td></tr>`).join("") || '<tr><td class="muted">none</td></tr>';
      const dec = (label, x) => (x ? `<tr><td>${label}</td><td>${x.accepted ? "accepted" : "refused"} (${esc(x.code)}) ${esc(x.reason)}</td></tr>` : `<tr><td>${label}</td><td class="muted">no decision recorded</td></tr>`);
      document.getElementById("detail").innerHTML = `
        <h2>${esc(s.id)}</h2>
        <p class="note">${esc(d.candlesNote)}</p>
        <div id="sigchart" class="chart"></div>
        <div class="cards">
          <div class="card"><h3>Decisions</h3><table>${dec(esc(d.book) + " book", d.decision)}${dec("own book", d.ownDecision)}</table>
            <h3>Fills (${esc(d.book)} book)</h3><table><tr><th>purpose</th><th>time (UTC)</th><th>side</th><th class="num">px</th><th class="num">size</th><th class="num">fee USD</th></tr>${d.fills.map((f) => `<tr><td>${f.purpose}</td><td>${utc(f.tsMs)}</td><td>${f.side}</td><td class="num">${fix(f.px, 4)}</td><td class="num">${fix(f.sz, 6)}</td><td class="num">${usd(f.feeUsd)}</td></tr>`).join("") || '<tr><td colspan="6" class="muted">no fill in this book</td></tr>'}</table></div>
          <div class="card"><h3>Inputs (metrics)</h3><table>${kv(s.metrics)}</table><h3>Thresholds</h3><table>${kv(s.thresholds)}</table>
            <p>max hold ${dur(s.maxHoldMs)} · expires ${dur(s.expiryMs)} after creation · ${s.executable ? "executable" : "research only"}</p></div>
        </div>`;
      const chart = newChart(document.getElementById("sigchart"), 300);
      const primary = d.fills.filter((f) => f.legIndex === 0);
      const points = uniqueTimes(
        [{ time: chartSeconds(s.createdMs), value: s.entryPx }, ...primary.map((f) => ({ time: chartSeconds(f.tsMs), value: f.px }))].sort((a, b) => a.time - b.time),
      );
      // The scale must hold the stop and the target, not only the prices seen.
      const levels = [s.entryPx, s.stopPx, s.targetPx, ...primary.map((f) => f.px)];
      const lo = Math.min(...levels);
      const hi = Math.max(...levels);
      const pad = (hi - lo) * 0.08 || hi * 0.001;
      const series = chart.addSeries(LWC.LineSeries, {
        color: "#90a4ae",
        lineWidth: 1,
        pointMarkersVisible: true,
        title: coin(s.market.key),
        autoscaleInfoProvider: () => ({ priceRange: { minValue: lo - pad, maxValue: hi + pad } }),
      });
      series.setData(points);
      series.createPriceLine({ price: s.entryPx, color: "#2962ff", title: "entry ref", lineStyle: 2 });
      series.createPriceLine({ price: s.stopPx, color: "#b3261e", title: "stop", lineStyle: 2 });
      series.createPriceLine({ price: s.targetPx, color: "#137a3b", title: "target", lineStyle: 2 });
      const markers = [{ time: chartSeconds(s.createdMs), position: s.side === "long" ? "belowBar" : "aboveBar", color: "#2962ff", shape: s.side === "long" ? "arrowUp" : "arrowDown", text: "signal" }];
      for (const f of primary) markers.push({ time: chartSeconds(f.tsMs), position: "inBar", color: f.purpose === "entry" ? "#2e7d32" : "#6a1b9a", shape: "circle", text: f.purpose });
      LWC.createSeriesMarkers(series, uniqueTimes(markers.sort((a, b) => a.time - b.time)));
      chart.timeScale().fitContent();
      document.getElementById("detail").scrollIntoView({ behavior: "smooth" });
    }
    document.getElementById("f-apply").onclick = () => {
      state.strategy = document.getElementById("f-strategy").value.trim();
      state.book = document.getElementById("f-book").value;
      state.from = document.getElementById("f-from").value;
      state.to = document.getElementById("f-to").value;
      state.offset = 0;
      void load();
    };
    await load();
    const refresh = debounce(() => void load(), 300);
    onChange.push((kind) => {
      if (kind === "signal" && state.offset === 0) refresh();
    });
  }

  // ─── data health ──────────────────────────────────────────────────────────────────────
  async function health() {
    async function load() {
      const h = await api("/api/health");
      setAsOf(h.asOfMs);
      main.innerHTML = `
        <h2>Journal</h2><p><code>${esc(h.journalPath)}</code> · last event ${utc(h.lastEventMs)} UTC · server clock ${utc(h.nowMs)} UTC</p>
        <h2>Checkpoints</h2><table><tr><th>consumer</th><th>checkpoint (event time)</th><th class="num">age (wall clock)</th><th class="num">events consumed</th><th>last event</th></tr>
        ${h.checkpoints.map((c) => `<tr><td>${esc(c.name)}</td><td>${utc(c.tsMs)}</td><td class="num" data-figure="cpage:${esc(c.name)}">${dur(c.ageMs)}</td><td class="num">${c.eventsConsumed.toLocaleString("en-US")}</td><td>${utc(c.lastEventMs)}</td></tr>`).join("") || '<tr><td colspan="5" class="muted">no checkpoint yet</td></tr>'}</table>
        <h2>Runs</h2><table><tr><th>run</th><th>command</th><th>started (UTC)</th><th>finished</th><th>inputs</th></tr>
        ${h.runs.map((r) => `<tr><td>${esc(r.runId)}</td><td>${esc(r.command)}</td><td>${utc(r.startedMs)}</td><td>${r.finishedMs === undefined || r.finishedMs === null ? '<span class="muted">running or interrupted</span>' : utc(r.finishedMs)}</td><td>${esc(r.inputPaths.length)} path(s)</td></tr>`).join("") || '<tr><td colspan="5" class="muted">no run recorded</td></tr>'}</table>
        <h2>Last price per market</h2><table><tr><th>market</th><th class="num">price</th><th>source</th><th>time (UTC)</th><th class="num">age</th></tr>
        ${h.prices.map((p) => `<tr><td>${esc(p.market)}</td><td class="num">${fix(p.px, 4)}</td><td>${p.source}</td><td>${utc(p.tsMs)}</td><td class="num">${dur(p.ageMs)}</td></tr>`).join("") || '<tr><td colspan="5" class="muted">no price in the journal</td></tr>'}</table>
        <p class="note">The live connection state, frame ages per channel, gaps and rejects are the monitor's (its log and metrics), not the journal's: this page shows what the journal holds.</p>`;
    }
    await load();
    const refresh = debounce(() => void load(), 1_000);
    onChange.push(() => refresh());
  }

  const pages = { overview, strategies, signals, health };
  (pages[page] || overview)().catch((error) => {
    main.innerHTML = `<p class="neg">${esc(error.message)}</p>`;
    console.error(error);
  });
})();
