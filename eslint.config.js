// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Layer boundaries (see docs/ARCHITECTURE.md). Each entry: files in `from` may not import `deny`.
 * Import cycles are checked by `npm run lint:cycles` (dpdm): eslint-plugin-import-x needs
 * unrs-resolver, whose platform packages this workplace's registry does not all carry, which
 * breaks `npm ci`.
 * Pure folders do no I/O; adapters do not import each other (replay may reuse the venue parser).
 */
const PURE = ["core", "metrics", "strategies", "risk", "paper", "analytics", "engine"];
const IO_MODULES = ["node:fs", "node:fs/promises", "node:net", "node:http", "node:https", "node:child_process", "node:sqlite", "ws", "pino"];
const layer = (dir) => `src/${dir}/**/*.ts`;
const boundary = (from, denyDirs, extra = []) => ({
  files: [layer(from)],
  ignores: ["**/*.test.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          ...denyDirs.map((d) => ({ group: [`**/${d}/*`, `**/${d}/**`, `../${d}`, `../../${d}`], message: `src/${from} may not import src/${d} (layer rule)` })),
        ],
        paths: extra.map((name) => ({ name, message: `src/${from} is pure: no I/O module ${name}` })),
      },
    ],
  },
});

export default tseslint.config(
  // scripts/node24/check.cjs is plain CommonJS on purpose: any old node must be able to run it.
  { ignores: ["dist/**", "coverage/**", "node_modules/**", ".cache/**", "web/vendor/**", "src/server/public/**", "scripts/node24/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: ["eslint.config.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  boundary("core", ["metrics", "strategies", "risk", "paper", "analytics", "engine", "venues", "replay", "journal", "config", "cli", "server"], IO_MODULES),
  ...PURE.filter((d) => d !== "core").map((d) => boundary(d, ["venues", "replay", "journal", "config", "cli", "server"], IO_MODULES)),
  boundary("venues", ["replay", "journal", "cli", "server", "engine"]),
  boundary("replay", ["journal", "cli", "server"]),
  boundary("journal", ["venues", "replay", "cli", "server"]),
  boundary("config", ["venues", "replay", "journal", "cli", "server", "engine"]),
  {
    files: ["**/*.test.ts", "test-support/**/*.ts", "tests/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
    },
  },
);
