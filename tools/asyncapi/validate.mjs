// Check an AsyncAPI document with the official parser: prints every error and warning, exits 1 on an
// error. Usage: node tools/asyncapi/validate.mjs schemas/asyncapi.json
import { readFileSync } from "node:fs";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate.mjs <asyncapi document>");
  process.exit(2);
}
const { document, diagnostics } = await new Parser().parse(readFileSync(path, "utf8"));
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of diagnostics) {
  const level = d.severity === DiagnosticSeverity.Error ? "error" : "warning";
  console.log(`${level} ${d.code} at /${d.path.join("/")}: ${d.message}`);
}
if (errors.length > 0 || document === undefined) {
  console.log(`${path}: ${errors.length} errors`);
  process.exit(1);
}
console.log(`${path}: valid AsyncAPI ${document.version()}`);
