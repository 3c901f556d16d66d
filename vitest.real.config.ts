import { defineConfig } from "vitest/config";

/** The real-data suite: reads ../shared/data/hyperliquid at run time (never copied into the repo). */
export default defineConfig({
  test: {
    include: ["tests/real/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
