import { defineConfig } from "vitest/config";

/** Unit and integration tests: hand-made fixtures only, no network beyond 127.0.0.1. */
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test-support/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: ["tests/real/**", "node_modules/**"],
    testTimeout: 20_000,
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      exclude: ["src/**/*.test.ts"],
    },
  },
});
