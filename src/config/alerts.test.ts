import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import { formatConfigSources, loadConfig, loadConfigWithSources } from "./load.ts";
import type { LoadConfigOptions } from "./load.ts";
import { SecretUrl, redactUrlToHost } from "./schema.ts";

const CWD = "/home/trader/monitor";
const TELEGRAM = "https://api.telegram.org/bot123456:SECRET-TOKEN/sendMessage";
const DISCORD = "https://discord.com/api/webhooks/42/SECRET-WEBHOOK";

function withFile(content: unknown, env: Record<string, string> = {}): LoadConfigOptions {
  return { env, overrides: {}, cwd: CWD, readFile: (path) => (path === `${CWD}/strategy-monitor.json` ? JSON.stringify(content) : undefined) };
}

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the alerts section", () => {
  it("is off by default, with every event on and no destination", () => {
    const config = loadConfig({ env: {}, overrides: {}, cwd: CWD, readFile: () => undefined });
    expect(config.alerts).toEqual({ enabled: false, signalTaken: true, positionClosed: true, lifecycleChange: true, dailyLossHalt: true, staleAfterMs: 120_000, lifecyclePollMs: 60_000, destinations: [] });
  });

  it("reads destinations from the file and fills each one's defaults", () => {
    const config = loadConfig(
      withFile({
        alerts: {
          enabled: true,
          destinations: [
            { name: "tg", format: "telegram", url: TELEGRAM, chatId: -1001234567890 },
            { name: "ops", format: "discord", url: DISCORD, events: ["daily_loss_halt", "data_stale"], ratePerMinute: 30 },
          ],
        },
      }),
    );
    const [tg, ops] = config.alerts.destinations;
    expect(tg?.url).toBeInstanceOf(SecretUrl);
    expect(tg?.url.reveal()).toBe(TELEGRAM);
    expect({ ...tg, url: undefined }).toEqual({ name: "tg", format: "telegram", url: undefined, chatId: -1001234567890, events: [], ratePerMinute: 20, burst: 5, maxAttempts: 5, baseBackoffMs: 1_000, maxBackoffMs: 60_000, timeoutMs: 10_000, maxQueue: 100 });
    expect(ops?.events).toEqual(["daily_loss_halt", "data_stale"]);
    expect(ops?.ratePerMinute).toBe(30);
  });

  it("takes the plain settings from the environment too", () => {
    const config = loadConfig(withFile({}, { SM_ALERTS__ENABLED: "true", SM_ALERTS__STALE_AFTER_MS: "30000" }));
    expect(config.alerts.enabled).toBe(true);
    expect(config.alerts.staleAfterMs).toBe(30_000);
  });

  it("never shows a URL's token: not in `config` output, JSON, inspection or text", () => {
    const loaded = loadConfigWithSources(withFile({ alerts: { destinations: [{ name: "tg", format: "telegram", url: TELEGRAM, chatId: 1 }] } }));
    const output = formatConfigSources(loaded.sources);
    expect(output).toContain('alerts.destinations');
    expect(output).toContain("https://api.telegram.org/***");
    const url = loaded.config.alerts.destinations[0]?.url;
    for (const shown of [output, JSON.stringify(loaded.config), inspect(loaded.config, { depth: 10 }), String(url)]) {
      expect(shown).not.toContain("SECRET-TOKEN");
    }
    expect(redactUrlToHost("https://bob:pw@hooks.example:8443/x?key=1")).toBe("https://hooks.example:8443/***");
    expect(redactUrlToHost("https://hooks.example/")).toBe("https://hooks.example");
    expect(redactUrlToHost("not a url")).toBe("***");
  });

  it.each([
    [{ enabled: "yes" }, "config alerts.enabled = \"yes\" is invalid: true or false"],
    [{ staleAfterMs: -1 }, "config alerts.staleAfterMs = -1 is invalid: an integer number of ms between 0 and 86400000 (0 = no stale or disconnect alerts)"],
    [{ destinations: {} }, "config alerts.destinations = {} is invalid: a list of alert destinations"],
    [{ destinations: [{ name: "x", format: "slack", url: DISCORD }] }, 'config alerts.destinations[0].format = "slack" is invalid: one of "generic", "telegram", "discord"'],
    [{ destinations: [{ name: "x", format: "generic", url: DISCORD, ratePerMinute: 0 }] }, "config alerts.destinations[0].ratePerMinute = 0 is invalid: an integer number of messages per minute between 1 and 600"],
    [{ destinations: [{ name: "x", format: "generic", url: DISCORD, events: ["fills"] }] }, 'config alerts.destinations[0].events[0] = "fills" is invalid: a list of alert events'],
    [{ destinations: [{ name: "x", format: "generic", url: DISCORD, colour: "red" }] }, "config alerts.destinations[0].colour"],
  ])("a bad value is a ConfigError naming the key and value: %j", (alerts, message) => {
    expect(errorOf(() => loadConfig(withFile({ alerts }))).message).toContain(message);
  });

  it("refuses a telegram destination without chatId, duplicate names and backoff bounds the wrong way round", () => {
    expect(errorOf(() => loadConfig(withFile({ alerts: { destinations: [{ name: "tg", format: "telegram", url: TELEGRAM }] } }))).message).toContain("a telegram destination needs chatId");
    const twice = { name: "a", format: "discord", url: DISCORD };
    expect(errorOf(() => loadConfig(withFile({ alerts: { destinations: [twice, twice] } }))).message).toContain("names must differ");
    expect(errorOf(() => loadConfig(withFile({ alerts: { destinations: [{ ...twice, baseBackoffMs: 5_000, maxBackoffMs: 1_000 }] } }))).message).toContain("maxBackoffMs at least baseBackoffMs");
  });

  it("reports a refused URL by its host only, never its secret path", () => {
    const error = errorOf(() => loadConfig(withFile({ alerts: { destinations: [{ name: "x", format: "telegram", chatId: 1, url: "ftp://api.telegram.org/bot123456:SECRET-TOKEN/sendMessage" }] } })));
    expect(error.message).toBe(
      'config alerts.destinations[0].url = "ftp://api.telegram.org/***" is invalid: an http or https URL (Telegram: https://api.telegram.org/bot<token>/sendMessage; Discord: the webhook URL) (from file /home/trader/monitor/strategy-monitor.json)',
    );
    expect(JSON.stringify(error.value)).not.toContain("SECRET-TOKEN");
  });
});
