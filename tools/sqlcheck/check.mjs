// check.mjs [--trino|--hive] FILE|DIR...: validates SQL files (a folder: its
// .sql files) with a grammar, one statement a file: Trino's for Athena queries (engine v3), Hive's for
// Athena DDL (CREATE EXTERNAL TABLE, ALTER TABLE ADD PARTITION). Prints
// FILE:LINE:COLUMN: MESSAGE for each error and a count; exits 1 on any.
import fs from 'node:fs';
import path from 'node:path';
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';

let parser = new TrinoSQL();
const files = [];
for (const arg of process.argv.slice(2)) {
  if (arg === '--trino') parser = new TrinoSQL();
  else if (arg === '--hive') parser = new HiveSQL();
  else if (fs.statSync(arg).isDirectory()) {
    for (const f of fs.readdirSync(arg).sort()) if (f.endsWith('.sql')) files.push(path.join(arg, f));
  } else files.push(arg);
}
if (files.length === 0) {
  console.error('check.mjs: no SQL files given');
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  const errors = parser.validate(fs.readFileSync(file, 'utf8'));
  for (const e of errors) console.log(`${file}:${e.startLine}:${e.startColumn}: ${e.message}`);
  if (errors.length > 0) failed++;
}
console.log(`${files.length - failed} of ${files.length} passed`);
process.exit(failed > 0 ? 1 : 0);
