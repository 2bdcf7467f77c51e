// Validates AsyncAPI documents with the AsyncAPI project's parser; exits 1 on any error-level diagnostic.
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
let failed = false;
for (const path of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(await readFile(path, "utf8"));
  const errors = diagnostics.filter((d) => d.severity === 0);
  if (!document || errors.length) {
    failed = true;
    for (const e of errors) console.error(`${path}: ${e.message} at ${e.path.join(".")}`);
  } else {
    console.log(`${path}: valid AsyncAPI ${document.version()}, ${document.channels().length} channels`);
  }
}
if (process.argv.length < 3) {
  console.error("usage: node validate.mjs FILE...");
  failed = true;
}
process.exit(failed ? 1 : 0);
