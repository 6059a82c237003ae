#!/usr/bin/env node
// tufjs-check.js METADATA_URL TRUSTED_ROOT METADATA_DIR TARGET...
// tuf-js 5.0.1 (found through NODE_PATH) refreshes from METADATA_URL with TRUSTED_ROOT as its
// trusted root, then looks up every TARGET. Prints one JSON object {target: {length, hashes}}
// and exits 0; any refusal or missing target prints the error on stderr and exits 1.
'use strict';
const fs = require('fs');
const path = require('path');
const { Updater } = require('tuf-js');

async function main() {
  const [metadataUrl, trustedRoot, metadataDir, ...targets] = process.argv.slice(2);
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.copyFileSync(trustedRoot, path.join(metadataDir, 'root.json'));
  const updater = new Updater({ metadataBaseUrl: metadataUrl, metadataDir, targetDir: metadataDir });
  await updater.refresh();
  const found = {};
  for (const name of targets) {
    const info = await updater.getTargetInfo(name);
    if (!info) throw new Error(`target ${name} not found`);
    found[name] = { length: info.length, hashes: info.hashes };
  }
  process.stdout.write(JSON.stringify(found) + '\n');
}

main().catch((error) => {
  process.stderr.write(`tuf-js: ${error && error.message ? error.message : error}\n`);
  process.exit(1);
});
