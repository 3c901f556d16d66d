import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact.ts";

describe("redactSecrets", () => {
  it("replaces the user info of a URL", () => {
    expect(redactSecrets("wss://bob:hunter2@api.hyperliquid.xyz/ws")).toBe("wss://***@api.hyperliquid.xyz/ws");
    expect(redactSecrets("https://token@api.example:8443/info")).toBe("https://***@api.example:8443/info");
  });

  it("replaces every query parameter's value and keeps its name", () => {
    expect(redactSecrets("https://api.example/info?key=abc123&user=me")).toBe("https://api.example/info?key=***&user=***");
    expect(redactSecrets("wss://bob:pw@h/ws?apikey=s3cr3t#frag")).toBe("wss://***@h/ws?apikey=***#frag");
  });

  it("leaves a URL without secrets as it is", () => {
    expect(redactSecrets("wss://api.hyperliquid.xyz/ws")).toBe("wss://api.hyperliquid.xyz/ws");
    expect(redactSecrets("http://127.0.0.1:4000")).toBe("http://127.0.0.1:4000");
  });

  it("redacts every URL inside a message and nothing else", () => {
    expect(redactSecrets("connected to wss://a:b@h/ws; REST at https://h/?token=t, user a:b")).toBe("connected to wss://***@h/ws; REST at https://h/?token=***, user a:b");
    expect(redactSecrets('{"url":"wss://a:b@h/ws"}')).toBe('{"url":"wss://***@h/ws"}');
  });

  it("is idempotent", () => {
    const once = redactSecrets("wss://a:b@h/ws?k=v");
    expect(redactSecrets(once)).toBe(once);
  });
});
