import type { AlertDestinationConfig } from "../config/index.ts";
import { SecretUrl } from "../config/index.ts";
import type { Alert } from "./alert.ts";

/** A destination with the schema's defaults (tests). */
export function testDestination(over: Partial<Omit<AlertDestinationConfig, "url">> & { readonly url: string }): AlertDestinationConfig {
  const { url, ...rest } = over;
  return {
    name: "ops",
    format: "generic",
    events: [],
    ratePerMinute: 600,
    burst: 100,
    maxAttempts: 5,
    baseBackoffMs: 1_000,
    maxBackoffMs: 60_000,
    timeoutMs: 10_000,
    maxQueue: 100,
    ...rest,
    url: new SecretUrl(url),
  };
}

/** A hand-made alert (tests). */
export function testAlert(title = "signal taken: liquidity long BTC", kind: Alert["kind"] = "signal_taken"): Alert {
  return { kind, tsMs: Date.UTC(2026, 11, 3, 12, 0, 0), title, text: "entry ≈ 100", data: { strategy: "liquidity" } };
}
