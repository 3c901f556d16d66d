/**
 * Turns the text of an environment variable or a command-line flag into a setting's value.
 * Only the shape is parsed here (number, boolean, list, map); ranges and allowed values are
 * checked afterwards by the schema, once for every source.
 */
import { ConfigError } from "../core/index.ts";
import type { Setting } from "./keys.ts";

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

/**
 * Parses `text` for `setting`. `from` names the source for the error message, e.g.
 * `env SM_LIVE__PING_INTERVAL_MS`.
 *
 * - number: decimal or exponent notation (`20000`, `2.5e4`); anything else is an error;
 * - boolean: `true`/`false`, also `1`/`0`, `yes`/`no`, `on`/`off` (any case);
 * - list: comma-separated, items trimmed, empty items dropped (`BTC, ETH` → `["BTC","ETH"]`);
 * - map: comma-separated `KEY=VALUE` pairs (`UBTC=BTC,UETH=ETH`);
 * - string: taken as is;
 * - object (a JSON object section such as `strategies`): refused; set it in the config file.
 *
 * @throws ConfigError naming the key, the text and what is allowed.
 */
export function parseSettingText(setting: Setting, text: string, from: string): unknown {
  const trimmed = text.trim();
  switch (setting.kind) {
    case "string":
      return text;
    case "number":
      if (!NUMBER_TEXT.test(trimmed)) throw new ConfigError(setting.key, text, `${setting.allowed} (from ${from})`);
      return Number(trimmed);
    case "boolean": {
      const word = trimmed.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw new ConfigError(setting.key, text, `true or false (also 1/0, yes/no, on/off) (from ${from})`);
    }
    case "list":
      return trimmed
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
    case "map": {
      const map: Record<string, string> = {};
      for (const pair of trimmed.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
        const match = /^([^=\s]+)\s*=\s*([^=\s]+)$/.exec(pair);
        if (match === null || match[1] === undefined || match[2] === undefined) {
          throw new ConfigError(setting.key, text, `comma-separated KEY=VALUE pairs such as UBTC=BTC,UETH=ETH (from ${from})`);
        }
        map[match[1]] = match[2];
      }
      return map;
    }
    case "object":
      // Nested sections are one object each; as env text they would be unreadable JSON.
      throw new ConfigError(setting.key, text, `${setting.allowed}, set in the config file (not settable from ${from}; see docs/CONFIGURATION.md)`);
  }
}
