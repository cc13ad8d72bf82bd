#!/usr/bin/env node
// The npm registry this project's machines reach serves only the Linux builds of packages that
// ship one optional package per platform (@swc/core-*, @unrs/resolver-binding-*). `npm install`
// then leaves the other platforms out of package-lock.json, and `npm ci` refuses the lock as out
// of sync. This adds the missing entries (version and `optional` only): npm ci accepts the lock,
// and skips or fails softly on the builds no platform here can use.
// Run after any `npm install` that changes the lock: node scripts/fill-optional-lock-entries.cjs
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location === '' ? '' : `${location}/`}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    lock.packages[hoisted] = { version, dev: entry.dev, optional: true };
    added++;
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} optional platform entries`);
