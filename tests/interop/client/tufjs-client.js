#!/usr/bin/env node
// tufjs-client.js: the tuf-conformance client CLI protocol over tuf-js's Updater, so that the
// interop tests can ask tuf-js for its verdict on every repository they build.
//   --metadata-dir DIR init TRUSTED_ROOT
//   --metadata-url URL --metadata-dir DIR refresh
//   --metadata-url URL --metadata-dir DIR --target-name NAME [--target-name NAME]...
//     --target-dir DIR --target-base-url URL download
// Exit 0 when everything succeeded, 1 otherwise. tuf-js is found through NODE_PATH.
'use strict';
const fs = require('fs');
const path = require('path');
const { Updater } = require('tuf-js');

function parse(argv) {
  const options = { targetNames: [] };
  const names = {
    '--metadata-dir': 'metadataDir',
    '--metadata-url': 'metadataUrl',
    '--target-dir': 'targetDir',
    '--target-base-url': 'targetBaseUrl',
  };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target-name') options.targetNames.push(argv[++i]);
    else if (names[argv[i]]) options[names[argv[i]]] = argv[++i];
    else rest.push(argv[i]);
  }
  options.command = rest[0];
  options.trustedRoot = rest[1];
  return options;
}

function updater(options) {
  return new Updater({
    metadataBaseUrl: options.metadataUrl,
    metadataDir: options.metadataDir,
    targetDir: options.targetDir,
    targetBaseUrl: options.targetBaseUrl,
  });
}

async function main() {
  const options = parse(process.argv.slice(2));
  switch (options.command) {
    case 'init':
      fs.mkdirSync(options.metadataDir, { recursive: true });
      fs.copyFileSync(options.trustedRoot, path.join(options.metadataDir, 'root.json'));
      return;
    case 'refresh':
      await updater(options).refresh();
      return;
    case 'download': {
      if (options.targetNames.length === 0) throw new Error('--target-name is required');
      const client = updater(options);
      await client.refresh();
      for (const name of options.targetNames) {
        const info = await client.getTargetInfo(name);
        if (!info) throw new Error(`target ${name} not found`);
        const cached = await client.findCachedTarget(info);
        if (!cached) await client.downloadTarget(info);
      }
      return;
    }
    default:
      throw new Error(`unknown command ${options.command}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`tufjs-client: ${error.message}\n`);
    process.exit(1);
  },
);
