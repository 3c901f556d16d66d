import { describe, expect, it } from "vitest";
import { CliUsageError } from "./errors.ts";
import { dashboardAddress } from "./serve.ts";

describe("serve's address flags", () => {
  it("binds 127.0.0.1:8787 by default, without a token", () => {
    expect(dashboardAddress({})).toEqual({ host: "127.0.0.1", port: 8787, token: undefined });
  });

  it("accepts loopback hosts without a token", () => {
    for (const host of ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"]) expect(dashboardAddress({ host }).host).toBe(host);
  });

  it("refuses a non-loopback host without a token, naming --host and --token", () => {
    for (const host of ["0.0.0.0", "192.168.1.5", "::", "example.org"]) {
      expect(() => dashboardAddress({ host })).toThrow(CliUsageError);
      expect(() => dashboardAddress({ host })).toThrow(/--host .* without an access token: give --token/);
    }
    expect(dashboardAddress({ host: "0.0.0.0", token: "0123456789abcdef" })).toEqual({ host: "0.0.0.0", port: 8787, token: "0123456789abcdef" });
  });

  it("refuses a short token and a bad port", () => {
    expect(() => dashboardAddress({ token: "abc" })).toThrow(/--token must be at least 8 characters/);
    expect(() => dashboardAddress({ port: "http" })).toThrow(/--port must be an integer from 0 to 65535 \(got "http"\)/);
    expect(() => dashboardAddress({ port: "70000" })).toThrow(/--port/);
    expect(dashboardAddress({ port: "0" }).port).toBe(0);
  });
});
