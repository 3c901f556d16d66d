/**
 * The README, run as written: every ```sh block (except those after a `<!-- smoke: skip … -->`
 * line) goes to bash in the repository root, as a user would paste it, over ../shared. Checks:
 * each block exits 0; every `> file.json` it writes is JSON; its stdout carries no npm banner;
 * each ```text block after a `<!-- smoke: excerpt -->` line appears, line for line, in the
 * stdout of the sh block before it. Files the blocks create in the root are removed afterwards.
 *
 * Run with `npm run smoke:readme` (CI does, after the real-data suite).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

interface Block {
  readonly lang: string;
  readonly marker: string | undefined;
  readonly body: string;
  readonly line: number;
}

/** Fenced blocks of a markdown text, each with the `<!-- smoke: … -->` marker on the line before it, if any. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? "");
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i] ?? ""); i += 1) body.push(lines[i] ?? "");
    const marker = /^<!-- smoke: (.*?) -->$/.exec(lines[start - 1] ?? "")?.[1];
    blocks.push({ lang: open[1] ?? "", marker, body: body.join("\n"), line: start + 1 });
  }
  return blocks;
}

function runBash(script: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? -1, stdout }));
  });
}

async function main(): Promise<number> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const before = new Set(readdirSync(ROOT));
  const failures: string[] = [];
  let run = 0;
  let excerptLines = 0;
  let lastStdout: string | undefined;
  try {
    for (const block of fencedBlocks(readme)) {
      if (block.lang === "sh") {
        if (block.marker?.startsWith("skip") === true) {
          process.stdout.write(`readme smoke: README.md:${block.line}: skipped (${block.marker})\n`);
          continue;
        }
        const started = Date.now();
        const { code, stdout } = await runBash(block.body);
        run += 1;
        lastStdout = stdout;
        process.stdout.write(`readme smoke: README.md:${block.line}: exit ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s, ${stdout.split("\n").length - 1} lines on stdout\n`);
        if (code !== 0) failures.push(`README.md:${block.line}: the block exited ${code}`);
        if (/^> strategy-monitor@/m.test(stdout)) failures.push(`README.md:${block.line}: npm's banner is in the output (a command without --silent)`);
        for (const [, file] of block.body.matchAll(/>\s*(\S+\.json)\b/g)) {
          try {
            JSON.parse(readFileSync(join(ROOT, file ?? ""), "utf8"));
          } catch (error) {
            failures.push(`README.md:${block.line}: ${file ?? ""} is not JSON: ${(error as Error).message}`);
          }
        }
      } else if (block.marker === "excerpt") {
        if (lastStdout === undefined) {
          failures.push(`README.md:${block.line}: an excerpt with no sh block before it`);
          continue;
        }
        const printed = new Set(lastStdout.split("\n").map((l) => l.trimEnd()));
        for (const line of block.body.split("\n")) {
          if (line.trim() === "") continue;
          excerptLines += 1;
          if (!printed.has(line.trimEnd())) failures.push(`README.md:${block.line}: excerpt line not in the output: ${line}`);
        }
      }
    }
  } finally {
    for (const name of readdirSync(ROOT)) if (!before.has(name)) rmSync(join(ROOT, name), { recursive: true, force: true });
  }
  for (const failure of failures) process.stderr.write(`readme smoke: FAIL ${failure}\n`);
  if (failures.some((f) => f.includes("excerpt line"))) {
    process.stderr.write("readme smoke: if the figures changed on purpose, paste the new lines of the report into the README's excerpt\n");
  }
  process.stdout.write(`readme smoke: ${run} blocks run, ${excerptLines} excerpt lines checked\n`);
  return failures.length === 0 && run > 0 ? 0 : 1;
}

if (existsSync(join(ROOT, "README.md"))) process.exitCode = await main();
