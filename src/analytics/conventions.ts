/**
 * The conventions every figure follows, in one place. Reports print this object beside the
 * figures (the JSON report carries it verbatim); docs/STATISTICS.md explains each line.
 */
export const CONVENTIONS = {
  pnl: "net P&L: price P&L minus fees, plus funding received (minus funding paid); slippage is inside the fill prices",
  win: "a trade with net P&L > 0; a trade at exactly 0 is a scratch (counted in trades, not a win)",
  profitFactor: "gross profit / |gross loss| of net trade P&L; no losing trade → value omitted and noLosses: true (never Infinity)",
  period: "the span the market data covers (first to last price the replay read, to the last trade's close if later; a journal without that span: first to last record), or a --from/--to window [from, to) (a flag wins on its side): trades closed in it, snapshots in it, returns from the account's equity at its start (last snapshot before it)",
  dailyReturns: "end-of-UTC-day equity (last snapshot before 00:00 UTC, carried forward over days without one: a 0 return, never skipped); simple returns equity_d / equity_{d-1} - 1, the first from the starting balance; last day may be partial",
  equity: "combined: account snapshots (cash + unrealised: fees, funding and mark-to-market included) of the book every strategy trades in; per strategy: the snapshots of its own book, where it alone trades its own account from the same starting balance (a journal from before per-strategy books: starting balance + realised net P&L of its trades at close time, no mark-to-market)",
  sharpe: "mean / sample standard deviation (n - 1) of daily returns, risk-free rate 0, annualised × √365; undefined below 2 days or for zero variance",
  sortino: "mean / downside deviation of daily returns, DD = √(Σ min(r, 0)² / n) over all n days (target 0), annualised × √365; undefined without a losing day",
  calmar: "compound annual growth (Π(1 + r))^(365/n) - 1 over the whole sample / maximum drawdown",
  maxDrawdown: "largest (peak - trough) / peak over every equity snapshot, the peak starting at the starting balance",
  timeInMarket: "length of the union of position holding intervals / length of the covered period",
  correlation: "Pearson correlation of daily P&L (USD) between strategies over the same UTC days; null where a series does not vary",
  bootstrap: "percentile intervals, seeded mulberry32; win rate and profit factor: cluster bootstrap over overlap clusters of trades; Sharpe: circular block bootstrap over days, block ⌈n^(1/3)⌉; no interval from fewer than 10 independent units (overlap clusters, or blocks of days with a non-zero return): it would be falsely narrow",
  psr: "probabilistic Sharpe (Bailey & López de Prado 2012) of the per-day Sharpe, skewness and RAW kurtosis (normal = 3)",
  dsr: "deflated Sharpe (Bailey & López de Prado 2014): PSR against the expected maximum Sharpe of N no-skill variants (Euler-Mascheroni approximation)",
  effectiveTrades: "overlapping trades form clusters (per strategy for a strategy's row; across every strategy and coin for combined); a cluster of s trades counts s / (1 + (s - 1) ρ̄), ρ̄ the mean over its pairs of ρ: 0 for two trades never held together, else their coins' correlation (same coin or unmeasured = 1)",
  verdict: "confident pass: effective trades ≥ minimum, bootstrap lower bounds of win rate and profit factor above their thresholds, PSR(threshold) ≥ 0.95, Sharpe lower bound above its threshold and DSR ≥ 0.95 when N > 1 variants, drawdown below its limit; a criterion without an interval fails, saying why",
  lifecycle: "validated: plain gate and confident verdict pass; killed: ≥ minimum trades and the Sharpe upper bound below 0 or the profit-factor upper bound below 1; otherwise keep forward-testing",
} as const;
