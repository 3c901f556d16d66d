/** Reports: the journal's figures as data, then as terminal tables, JSON, HTML and CSV. Pure: no I/O, no clock. */
export * from "./csv.ts";
export * from "./figure-rows.ts";
export * from "./html.ts";
export * from "./json.ts";
export * from "./report-model.ts";
export * from "./svg-charts.ts";
export * from "./terminal.ts";
