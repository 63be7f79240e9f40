// Rewrites the generated parameter tables in docs/ODD.md from the scenario schema.
import { readFileSync, writeFileSync } from "node:fs";
import { BEGIN, END, parameterTables } from "./oddParameters.ts";

const path = new URL("../../../docs/ODD.md", import.meta.url);
const text = readFileSync(path, "utf8");
const a = text.indexOf(BEGIN);
const b = text.indexOf(END);
if (a < 0 || b < 0) throw new Error("docs/ODD.md: parameter markers not found");
writeFileSync(path, text.slice(0, a) + parameterTables() + text.slice(b + END.length));
console.log(`updated ${path.pathname}`);
