import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/index.ts";
import { configSources, formatConfigSources, loadConfig, loadConfigWithSources } from "./load.ts";
import type { LoadConfigOptions } from "./load.ts";

const CWD = "/home/trader/monitor";

/** Options with an in-memory file system: `files` maps absolute paths to contents. */
function options(parts: Partial<LoadConfigOptions> & { files?: Record<string, string> } = {}): LoadConfigOptions {
  const { files = {}, ...rest } = parts;
  return { env: {}, overrides: {}, cwd: CWD, readFile: (path) => files[path], ...rest };
}

function fileWith(content: unknown): Record<string, string> {
  return { [`${CWD}/strategy-monitor.json`]: JSON.stringify(content) };
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

describe("defaults", () => {
  it("load with no file, no env and no flags", () => {
    const config = loadConfig(options());
    expect(config).toEqual({
      network: "mainnet",
      restUrl: "https://api.hyperliquid.xyz",
      wsUrl: "wss://api.hyperliquid.xyz/ws",
      coins: ["BTC", "ETH", "SOL"],
      spot: { enabled: true, baseAliases: { UBTC: "BTC", UETH: "ETH", USOL: "SOL", UFART: "FARTCOIN", UPUMP: "PUMP", HYPE: "HYPE", UENA: "ENA", UXPL: "XPL", UWLD: "WLD", UDOGE: "DOGE", UMON: "MON", UUUSPX: "SPX" } },
      candleIntervals: ["1m", "1h"],
      live: { pingIntervalMs: 30000, pongTimeoutMs: 10000, silenceTimeoutMs: 60000, reconnectBaseMs: 500, reconnectMaxMs: 30000, maxSubscriptions: 1000, barCloseGraceMs: 3000, warmUpBars: 1500, warmUpFundingHours: 168, maxVenueTimeAheadMs: 60000, clockOffsetWarnMs: 2000, priceBandFraction: 0.1, priceConfirmFrames: 5, priceConfirmMs: 2000, maxFrameChars: 1048576, bookSilenceMs: 15000, topOfBookSilenceMs: 0, tradesSilenceMs: 0, assetCtxSilenceMs: 60000, candleSilenceMs: 0, dataStallMs: 15000, subscribeAckTimeoutMs: 10000 },
      rest: { timeoutMs: 10000, maxRetries: 5, baseBackoffMs: 500, maxBackoffMs: 30000, weightPerMinute: 1200 },
      record: { dir: "captures", rotateBytes: 268435456, flushIntervalMs: 1000 },
      log: { level: "info", format: "auto" },
      server: { host: "127.0.0.1", port: 8787 },
      data: { sharedDir: "../shared/data/hyperliquid" },
      journal: { trialRegistry: "trials.db" },
      strategies: {},
      risk: {},
      broker: {},
      analytics: {},
      paperTradeWhenKilled: [],
      scan: {
        coins: [],
        minDayVolumeUsd: 1_000_000,
        minOpenInterestUsd: 1_000_000,
        sizeUsd: 10_000,
        holdHours: 24,
        otherVenueTakerFee: 0.0005,
        extremeFundingApr: 0.5,
        extremeBasisBps: 50,
        extremeAccelerationPerHour: 1e-6,
        rows: 10,
        watchIntervalMs: 60_000,
      },
      alerts: { enabled: false, signalTaken: true, positionClosed: true, lifecycleChange: true, dailyLossHalt: true, staleAfterMs: 120_000, lifecyclePollMs: 60_000, destinations: [] },
    });
  });

  it("resolve testnet URLs from the network", () => {
    const config = loadConfig(options({ overrides: { network: "testnet" } }));
    expect(config.restUrl).toBe("https://api.hyperliquid-testnet.xyz");
    expect(config.wsUrl).toBe("wss://api.hyperliquid-testnet.xyz/ws");
  });

  it("are frozen, so no component can change another's settings", () => {
    const config = loadConfig(options());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.live)).toBe(true);
    expect(Object.isFrozen(config.coins)).toBe(true);
  });

  it("are not shared between loads", () => {
    const first = loadConfig(options());
    const second = loadConfig(options({ overrides: { coins: ["BTC"] } }));
    expect(first.coins).toEqual(["BTC", "ETH", "SOL"]);
    expect(second.coins).toEqual(["BTC"]);
  });
});

describe("precedence: defaults < file < env < flags", () => {
  const file = fileWith({ live: { pingIntervalMs: 25000 }, coins: ["BTC", "ETH"], record: { dir: "from-file" } });

  it("a file value replaces the default and leaves its siblings at their defaults", () => {
    const config = loadConfig(options({ files: file }));
    expect(config.live.pingIntervalMs).toBe(25000);
    expect(config.live.pongTimeoutMs).toBe(10000);
    expect(config.coins).toEqual(["BTC", "ETH"]);
  });

  it("an env value replaces the file value", () => {
    const config = loadConfig(options({ files: file, env: { SM_LIVE__PING_INTERVAL_MS: "20000", SM_COINS: "SOL" } }));
    expect(config.live.pingIntervalMs).toBe(20000);
    expect(config.coins).toEqual(["SOL"]);
    expect(config.record.dir).toBe("from-file");
  });

  it("a flag value replaces the env value", () => {
    const config = loadConfig(
      options({ files: file, env: { SM_LIVE__PING_INTERVAL_MS: "20000", SM_COINS: "SOL" }, overrides: { coins: ["BTC"], "record.dir": "captures-2" } }),
    );
    expect(config.coins).toEqual(["BTC"]);
    expect(config.record.dir).toBe("captures-2");
    expect(config.live.pingIntervalMs).toBe(20000);
  });

  it("flags left undefined by the CLI do not override anything", () => {
    const config = loadConfig(options({ env: { SM_COINS: "SOL" }, overrides: { coins: undefined } }));
    expect(config.coins).toEqual(["SOL"]);
  });

  it("string flag values are parsed like env values", () => {
    const config = loadConfig(options({ overrides: { coins: "BTC,ETH", "live.pingIntervalMs": "15000", "spot.enabled": "false" } }));
    expect(config.coins).toEqual(["BTC", "ETH"]);
    expect(config.live.pingIntervalMs).toBe(15000);
    expect(config.spot.enabled).toBe(false);
  });

  it("an empty env variable counts as unset", () => {
    expect(loadConfig(options({ env: { SM_COINS: "" } })).coins).toEqual(["BTC", "ETH", "SOL"]);
  });

  it("a map setting given by a source replaces the whole default table", () => {
    const config = loadConfig(options({ files: fileWith({ spot: { baseAliases: { UBTC: "BTC" } } }) }));
    expect(config.spot.baseAliases).toEqual({ UBTC: "BTC" });
  });
});

describe("config file", () => {
  it("an explicit --config path is read relative to cwd", () => {
    const config = loadConfig(options({ file: "conf/live.json", files: { [`${CWD}/conf/live.json`]: '{"server":{"port":9000}}' } }));
    expect(config.server.port).toBe(9000);
  });

  it("a missing explicitly named file is an error naming the path", () => {
    const error = errorOf(() => loadConfig(options({ file: "nope.json" })));
    expect(error.message).toBe(`config file = "${CWD}/nope.json" is invalid: no such file (named by --config)`);
  });

  it("a missing default file is fine", () => {
    expect(loadConfigWithSources(options()).file).toBeUndefined();
  });

  it("invalid JSON is an error naming the path", () => {
    const error = errorOf(() => loadConfig(options({ files: { [`${CWD}/strategy-monitor.json`]: "{ coins: [" } })));
    expect(error.key).toBe("file");
    expect(error.message).toMatch(/^config file = "\/home\/trader\/monitor\/strategy-monitor.json" is invalid: a readable JSON file \(/);
  });

  it("a top-level array is an error", () => {
    const error = errorOf(() => loadConfig(options({ files: { [`${CWD}/strategy-monitor.json`]: "[]" } })));
    expect(error.message).toBe(`config file = "${CWD}/strategy-monitor.json" is invalid: a JSON object at the top level`);
  });

  it("a section given as a scalar names its keys", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ log: "debug" }) })));
    expect(error.message).toBe(`config log = "debug" is invalid: an object with keys level, format (from file ${CWD}/strategy-monitor.json)`);
  });
});

describe("validation failures name key, value and what is allowed", () => {
  const fromFile = ` (from file ${CWD}/strategy-monitor.json)`;

  it("negative ms", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ live: { pingIntervalMs: -5 } }) })));
    expect(error.key).toBe("live.pingIntervalMs");
    expect(error.value).toBe(-5);
    expect(error.message).toBe(`config live.pingIntervalMs = -5 is invalid: an integer number of ms between 1000 and 55000${fromFile}`);
  });

  it("a fractional ms", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { "rest.timeoutMs": 1500.5 } })));
    expect(error.message).toBe("config rest.timeoutMs = 1500.5 is invalid: an integer number of ms between 100 and 120000 (from command-line flag rest.timeoutMs)");
  });

  it("a candle interval Hyperliquid does not serve", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ candleIntervals: ["1m", "2m"] }) })));
    expect(error.key).toBe("candleIntervals[1]");
    expect(error.message).toBe(
      `config candleIntervals[1] = "2m" is invalid: a non-empty list of Hyperliquid candle intervals, each one of 1m 3m 5m 15m 30m 1h 2h 4h 8h 12h 1d 3d 1w 1M${fromFile}`,
    );
  });

  it("a URL with the wrong scheme", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { network: "custom", restUrl: "ftp://example.com", wsUrl: "wss://example.com/ws" } })));
    expect(error.message).toBe(
      'config restUrl = "ftp://example.com" is invalid: an http or https URL such as https://api.hyperliquid.xyz (from command-line flag restUrl)',
    );
  });

  it("a WebSocket URL that is not a URL", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_NETWORK: "custom", SM_REST_URL: "http://127.0.0.1:8080", SM_WS_URL: "localhost:8080" } })));
    expect(error.message).toBe('config wsUrl = "localhost:8080" is invalid: a ws or wss URL such as wss://api.hyperliquid.xyz/ws (from env SM_WS_URL)');
  });

  it("an unknown key, with the nearest valid key", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ live: { pingIntervall: 20000 } }) })));
    expect(error.key).toBe("live.pingIntervall");
    expect(error.message).toBe(`config live.pingIntervall = 20000 is invalid: not a known key; did you mean live.pingIntervalMs?${fromFile}`);
  });

  it("an unknown top-level section", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ dashboard: {} }) })));
    expect(error.message).toBe(`config dashboard = {} is invalid: not a known key; see docs/CONFIGURATION.md for the keys${fromFile}`);
  });

  it("an unknown flag key", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { "record.dirr": "x" } })));
    expect(error.message).toBe('config record.dirr = "x" is invalid: not a known key; did you mean record.dir? (from command-line flag record.dirr)');
  });

  it("an unknown SM_ environment variable", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_LIVE__PING_INTERVALL_MS: "20000" } })));
    expect(error.message).toBe('config SM_LIVE__PING_INTERVALL_MS = "20000" is invalid: not a known setting; did you mean SM_LIVE__PING_INTERVAL_MS?');
  });

  it("environment variables without the SM_ prefix are ignored", () => {
    expect(loadConfig(options({ env: { HOME: "/root", LIVE__PING_INTERVAL_MS: "1" } })).live.pingIntervalMs).toBe(30000);
  });

  it("a flush interval above one second", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ record: { flushIntervalMs: 5000 } }) })));
    expect(error.message).toBe(`config record.flushIntervalMs = 5000 is invalid: an integer number of ms between 10 and 1000${fromFile}`);
  });

  it("a custom network without URLs", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { network: "custom" } })));
    expect(error.key).toBe("restUrl");
    expect(error.message).toBe(
      'config restUrl = undefined is invalid: required when network is "custom": an http or https URL such as https://api.hyperliquid.xyz (from command-line flag network)',
    );
  });

  it("a custom network with only a REST URL", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { network: "custom", restUrl: "http://127.0.0.1:3001" } })));
    expect(error.message).toBe(
      'config wsUrl = undefined is invalid: required when network is "custom": a ws or wss URL such as wss://api.hyperliquid.xyz/ws (from command-line flag network)',
    );
  });

  it("a URL set without the custom network (a forgotten --network custom)", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { wsUrl: "ws://127.0.0.1:3001" } })));
    expect(error.message).toBe(
      'config wsUrl = "ws://127.0.0.1:3001" is invalid: settable only with network "custom" (network "mainnet" uses wss://api.hyperliquid.xyz/ws) (from command-line flag wsUrl)',
    );
  });

  it("an unknown network", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_NETWORK: "devnet" } })));
    expect(error.message).toBe('config network = "devnet" is invalid: one of "mainnet", "testnet", "custom" (from env SM_NETWORK)');
  });

  it("an unknown log level", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { "log.level": "verbose" } })));
    expect(error.message).toBe('config log.level = "verbose" is invalid: one of "trace", "debug", "info", "warn", "error", "fatal" (from command-line flag log.level)');
  });

  it("duplicate coins", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_COINS: "BTC,ETH,BTC" } })));
    expect(error.key).toBe("coins");
    expect(error.message).toContain('config coins = ["BTC","ETH","BTC"] is invalid: a non-empty list of Hyperliquid perp coin names');
    expect(error.message).toMatch(/, without duplicates \(from env SM_COINS\)$/);
  });

  it("a coin name with a space", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ coins: ["BTC", "E TH"] }) })));
    expect(error.key).toBe("coins[1]");
    expect(error.value).toBe("E TH");
  });

  it("a wrong type in the file", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ spot: { enabled: "yes" } }) })));
    expect(error.message).toBe(`config spot.enabled = "yes" is invalid: true or false${fromFile}`);
  });

  it("a port out of range", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { "server.port": 70000 } })));
    expect(error.message).toBe("config server.port = 70000 is invalid: a TCP port number between 0 and 65535 (0 picks a free port) (from command-line flag server.port)");
  });

  it("a pong timeout not below the ping interval", () => {
    const error = errorOf(() => loadConfig(options({ overrides: { "live.pingIntervalMs": 10000 } })));
    expect(error.message).toBe(
      "config live.pongTimeoutMs = 10000 is invalid: an integer number of ms below live.pingIntervalMs (10000), so each pong is judged before the next ping",
    );
  });

  it("a silence timeout not above the ping interval", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_LIVE__SILENCE_TIMEOUT_MS: "30000" } })));
    expect(error.message).toBe(
      "config live.silenceTimeoutMs = 30000 is invalid: an integer number of ms above live.pingIntervalMs (30000), or a quiet socket is dropped between pings (from env SM_LIVE__SILENCE_TIMEOUT_MS)",
    );
  });

  it("a largest backoff below the first backoff", () => {
    expect(errorOf(() => loadConfig(options({ overrides: { "rest.maxBackoffMs": 200 } }))).message).toBe(
      "config rest.maxBackoffMs = 200 is invalid: an integer number of ms at least rest.baseBackoffMs (500) (from command-line flag rest.maxBackoffMs)",
    );
    expect(errorOf(() => loadConfig(options({ overrides: { "live.reconnectMaxMs": 400 } }))).key).toBe("live.reconnectMaxMs");
  });
});

describe("trading sections (content checked by the composition root)", () => {
  const fromFile = ` (from file ${CWD}/strategy-monitor.json)`;

  it("take the file's objects whole, inner keys unchecked here", () => {
    const config = loadConfig(
      options({
        files: fileWith({
          strategies: { "flow-toxicity": { threshold: 2.5 } },
          risk: { riskPerTrade: 0.005 },
          broker: { latencyMs: 300 },
          analytics: { psrConfidence: 0.9 },
          paperTradeWhenKilled: ["basis-arbitrage"],
        }),
      }),
    );
    expect(config.strategies).toEqual({ "flow-toxicity": { threshold: 2.5 } });
    expect(config.risk).toEqual({ riskPerTrade: 0.005 });
    expect(config.broker).toEqual({ latencyMs: 300 });
    expect(config.analytics).toEqual({ psrConfidence: 0.9 });
    expect(config.paperTradeWhenKilled).toEqual(["basis-arbitrage"]);
    expect(Object.isFrozen(config.strategies["flow-toxicity"])).toBe(true);
  });

  it("a strategy's settings given as a number name the strategy's key path", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ strategies: { "flow-toxicity": 2.5 } }) })));
    expect(error.key).toBe("strategies.flow-toxicity");
    expect(error.message).toBe(`config strategies.flow-toxicity = 2.5 is invalid: an object of this strategy's settings, such as {"threshold":2.5}${fromFile}`);
  });

  it("a section given as a list is refused", () => {
    const error = errorOf(() => loadConfig(options({ files: fileWith({ risk: [1] }) })));
    expect(error.message).toBe(`config risk = [1] is invalid: an object of risk settings, such as {"riskPerTrade":0.01}${fromFile}`);
  });

  it("an object section cannot come from the environment: the error points to the file", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_STRATEGIES: '{"flow-toxicity":{}}' } })));
    expect(error.key).toBe("strategies");
    expect(error.message).toMatch(/set in the config file \(not settable from env SM_STRATEGIES; see docs\/CONFIGURATION.md\)$/);
  });

  it("paperTradeWhenKilled reads a list from the environment and may be empty", () => {
    expect(loadConfig(options({ env: { SM_PAPER_TRADE_WHEN_KILLED: "basis-arbitrage, liquidity" } })).paperTradeWhenKilled).toEqual(["basis-arbitrage", "liquidity"]);
    expect(loadConfig(options({ files: fileWith({ paperTradeWhenKilled: [] }) })).paperTradeWhenKilled).toEqual([]);
  });
});

describe("env parsing", () => {
  it("reads lists, numbers and booleans", () => {
    const config = loadConfig(
      options({
        env: {
          SM_COINS: " BTC , kPEPE ,",
          SM_CANDLE_INTERVALS: "1m,5m,1d",
          SM_RECORD__ROTATE_BYTES: "1.048576e6",
          SM_SPOT__ENABLED: "no",
          SM_SPOT__BASE_ALIASES: "UBTC=BTC, UETH=ETH",
          SM_SERVER__HOST: "0.0.0.0",
        },
      }),
    );
    expect(config.coins).toEqual(["BTC", "kPEPE"]);
    expect(config.candleIntervals).toEqual(["1m", "5m", "1d"]);
    expect(config.record.rotateBytes).toBe(1048576);
    expect(config.spot.enabled).toBe(false);
    expect(config.spot.baseAliases).toEqual({ UBTC: "BTC", UETH: "ETH" });
    expect(config.server.host).toBe("0.0.0.0");
  });

  it("accepts SM_SHARED_DATA as another name for SM_DATA__SHARED_DIR, the canonical name winning", () => {
    expect(loadConfig(options({ env: { SM_SHARED_DATA: "/data/hl" } })).data.sharedDir).toBe("/data/hl");
    expect(loadConfig(options({ env: { SM_SHARED_DATA: "/data/hl", SM_DATA__SHARED_DIR: "/data/canonical" } })).data.sharedDir).toBe("/data/canonical");
  });

  it("reads a real file from disk, and treats a missing default file as absent", () => {
    const dir = mkdtempSync(join(tmpdir(), "sm-config-"));
    try {
      expect(loadConfig({ env: {}, overrides: {}, cwd: dir }).coins).toEqual(["BTC", "ETH", "SOL"]);
      writeFileSync(join(dir, "strategy-monitor.json"), '{"coins":["HYPE"]}');
      expect(loadConfig({ env: {}, overrides: {}, cwd: dir }).coins).toEqual(["HYPE"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a number that is not a number names the variable and the text", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_LIVE__PING_INTERVAL_MS: "abc" } })));
    expect(error.key).toBe("live.pingIntervalMs");
    expect(error.message).toBe('config live.pingIntervalMs = "abc" is invalid: an integer number of ms between 1000 and 55000 (from env SM_LIVE__PING_INTERVAL_MS)');
  });

  it("a boolean that is not a boolean names the accepted words", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_SPOT__ENABLED: "maybe" } })));
    expect(error.message).toBe('config spot.enabled = "maybe" is invalid: true or false (also 1/0, yes/no, on/off) (from env SM_SPOT__ENABLED)');
  });

  it("a malformed alias map names the expected form", () => {
    const error = errorOf(() => loadConfig(options({ env: { SM_SPOT__BASE_ALIASES: "UBTC:BTC" } })));
    expect(error.message).toBe(
      'config spot.baseAliases = "UBTC:BTC" is invalid: comma-separated KEY=VALUE pairs such as UBTC=BTC,UETH=ETH (from env SM_SPOT__BASE_ALIASES)',
    );
  });
});

describe("sources", () => {
  it("say where each value came from", () => {
    const rows = configSources(
      options({
        files: fileWith({ coins: ["BTC"] }),
        env: { SM_LIVE__PING_INTERVAL_MS: "20000" },
        overrides: { "record.dir": "out" },
      }),
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    expect(byKey.get("coins")).toEqual({ key: "coins", value: ["BTC"], source: "file", origin: `${CWD}/strategy-monitor.json` });
    expect(byKey.get("live.pingIntervalMs")).toEqual({ key: "live.pingIntervalMs", value: 20000, source: "env", origin: "SM_LIVE__PING_INTERVAL_MS" });
    expect(byKey.get("record.dir")).toEqual({ key: "record.dir", value: "out", source: "flag", origin: "record.dir" });
    expect(byKey.get("log.level")).toEqual({ key: "log.level", value: "info", source: "default", origin: "built-in" });
    expect(byKey.get("restUrl")).toEqual({ key: "restUrl", value: "https://api.hyperliquid.xyz", source: "network", origin: "mainnet" });
    expect(rows).toHaveLength(67); // + the 8 alerts keys; 47 + the 4 edge-sanity keys of live (priceBandFraction, priceConfirmFrames, priceConfirmMs, maxFrameChars) + the 7 liveness keys (5 channel silences, dataStallMs, subscribeAckTimeoutMs) + live.clockOffsetWarnMs
  });

  it("give custom URLs the source that set them", () => {
    const rows = configSources(options({ env: { SM_NETWORK: "custom", SM_REST_URL: "http://127.0.0.1:3001", SM_WS_URL: "ws://127.0.0.1:3001/ws" } }));
    expect(rows.find((row) => row.key === "wsUrl")).toEqual({ key: "wsUrl", value: "ws://127.0.0.1:3001/ws", source: "env", origin: "SM_WS_URL" });
  });

  it("format as aligned lines", () => {
    const text = formatConfigSources([
      { key: "coins", value: ["BTC"], source: "env", origin: "SM_COINS" },
      { key: "log.level", value: "info", source: "default", origin: "built-in" },
    ]);
    expect(text).toBe('coins     = ["BTC"]  # env SM_COINS\nlog.level = "info"   # default\n');
  });

  it("do not widen every line to a long object section's value", () => {
    const long = { riskPerTrade: 0.01, confidenceMultiplier: { HIGH: 1, MEDIUM: 0.7, LOW: 0.4 }, maxOpenPositions: 5 };
    const text = formatConfigSources([
      { key: "coins", value: ["BTC"], source: "env", origin: "SM_COINS" },
      { key: "risk", value: long, source: "default", origin: "built-in" },
    ]);
    expect(text).toBe(`coins = ["BTC"]  # env SM_COINS\nrisk  = ${JSON.stringify(long)}  # default\n`);
  });
});
