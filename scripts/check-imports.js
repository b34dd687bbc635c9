#!/usr/bin/env node
/**
 * Fails on any import cycle among the modules of lib/ and functions/, and on an import that crosses
 * the dialect boundaries: the source and the dialects import nothing from lib/warehouse/, a dialect
 * nothing from lib/source/, and no database's modules import another database's.
 *
 * Imports counted: static imports and re-exports, `import type` included (a type-only cycle still
 * ties two modules' shapes together), dynamic import() and require(). They are read with
 * TypeScript's own pre-processor, so strings and comments that merely look like imports are not.
 *
 * Also fails on any line of those modules longer than MAX_LINE characters: Prettier keeps code within
 * that width but cannot wrap a string literal, so a long message or SQL string has to be split by hand.
 *
 *   node scripts/check-imports.js [dir …]    (default: lib functions)
 */
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['lib', 'functions'];

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

function resolve(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const files = dirs.flatMap((dir) => sourceFiles(path.join(root, dir)));
const inScope = new Set(files);
const edges = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const targets = importedFiles.map((i) => resolve(file, i.fileName)).filter((t) => t !== null && inScope.has(t));
  edges.set(file, [...new Set(targets)].sort());
}

// Tarjan's strongly connected components: every component of more than one module (or a module
// importing itself) is a cycle.
let index = 0;
const indexOf = new Map();
const lowOf = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function visit(v) {
  indexOf.set(v, index);
  lowOf.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)) {
    if (!indexOf.has(w)) {
      visit(w);
      lowOf.set(v, Math.min(lowOf.get(v), lowOf.get(w)));
    } else if (onStack.has(w)) {
      lowOf.set(v, Math.min(lowOf.get(v), indexOf.get(w)));
    }
  }
  if (lowOf.get(v) === indexOf.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || edges.get(v).includes(v)) components.push(component);
  }
}
for (const file of files) if (!indexOf.has(file)) visit(file);

/** One concrete loop through a component, for the message: a → b → … → a. */
function loopThrough(component) {
  const members = new Set(component);
  const start = component.slice().sort()[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of edges.get(v)) {
      if (!members.has(w)) continue;
      if (w === start) {
        const loop = [start];
        for (let u = v; u !== start; u = previous.get(u)) loop.splice(1, 0, u);
        return [...loop, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const rel = (f) => path.relative(root, f);

/** Why `from` may not import `to`, or null. Paths relative to the root, with `/`. */
function boundary(from, to) {
  const role = (p) => /^lib\/(source|warehouse|dialect)\//.exec(p)?.[1] ?? null;
  const database = (p) => /^lib\/(?:source|warehouse|dialect)\/([^/]+)\//.exec(p)?.[1] ?? null;
  if (role(from) === 'source' && role(to) === 'warehouse') return 'nothing flows from a warehouse into the source';
  if (role(from) === 'dialect' && (role(to) === 'warehouse' || role(to) === 'source')) {
    return 'a dialect is shared by the source and the warehouses and depends on neither';
  }
  const a = database(from);
  const b = database(to);
  if (a && b && a !== b) return "one database's modules do not import another's";
  return null;
}

const crossings = [];
for (const [from, targets] of edges) {
  for (const to of targets) {
    const why = boundary(rel(from).split(path.sep).join('/'), rel(to).split(path.sep).join('/'));
    if (why) crossings.push(`import across a boundary: ${rel(from)} → ${rel(to)} (${why})`);
  }
}

const MAX_LINE = 120;
const longLines = [];
for (const file of files) {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const length = [...lines[i]].length; // characters, not UTF-16 units: "…" counts one
    if (length > MAX_LINE) longLines.push(`${rel(file)}:${i + 1}: line of ${length} characters, more than ${MAX_LINE}`);
  }
}

for (const component of components) {
  console.error(`import cycle: ${loopThrough(component).map(rel).join(' → ')}`);
  if (component.length > 2) console.error(`  (modules in this cycle: ${component.map(rel).sort().join(', ')})`);
}
for (const crossing of crossings) console.error(crossing);
for (const longLine of longLines) console.error(longLine);
if (components.length || crossings.length || longLines.length) process.exit(1);
console.log(
  `no import cycles, boundary crossings or lines over ${MAX_LINE} characters among ${files.length} modules of ${dirs.join(', ')}`,
);
