/**
 * An alert and the request bodies of the three formats (docs/ALERTS.md):
 *
 * | format | body |
 * | --- | --- |
 * | `generic` | `{"source":"strategy-monitor","kind":…,"tsMs":…,"time":ISO,"title":…,"text":…,"data":{…}}` |
 * | `telegram` | `{"chat_id":…,"text":"title\ntext"}` (Bot API `sendMessage`, plain text, at most 4096 characters) |
 * | `discord` | `{"content":"**title**\ntext"}` (webhook, at most 2000 characters) |
 */
import type { AlertEventKind, AlertFormat } from "../config/index.ts";

/** One alert: what happened, for people (title, text) and for machines (data). */
export interface Alert {
  readonly kind: AlertEventKind;
  /** When it happened (event time for trading alerts, wall clock for data alerts), ms. */
  readonly tsMs: number;
  /** One line, e.g. `signal taken: flow-toxicity long BTC`. */
  readonly title: string;
  /** The details, one or more lines. */
  readonly text: string;
  /** The figures behind it (generic format only). */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Telegram's `sendMessage` text limit, characters. */
export const TELEGRAM_MAX_CHARS = 4_096;
/** Discord's webhook `content` limit, characters. */
export const DISCORD_MAX_CHARS = 2_000;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The JSON request body of `alert` in `format` (`chatId` for Telegram). */
export function alertBody(format: AlertFormat, alert: Alert, chatId?: string | number): string {
  switch (format) {
    case "generic":
      return JSON.stringify({ source: "strategy-monitor", kind: alert.kind, tsMs: alert.tsMs, time: new Date(alert.tsMs).toISOString(), title: alert.title, text: alert.text, data: alert.data });
    case "telegram":
      return JSON.stringify({ chat_id: chatId, text: clip(`${alert.title}\n${alert.text}`, TELEGRAM_MAX_CHARS) });
    case "discord":
      return JSON.stringify({ content: clip(`**${alert.title}**\n${alert.text}`, DISCORD_MAX_CHARS) });
  }
}
