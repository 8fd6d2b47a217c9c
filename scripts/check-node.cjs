// The first thing `npm install` (preinstall), `npm start` and `npm test` run: one plain line and
// exit 1 when this Node is older than package.json's engines.node. Plain CommonJS with nothing
// newer than ES2017 in it, so any Node (18, 20, ...) can run it and say what is wrong instead of
// failing later on a `.ts` file. The floor has one home: engines.node (">=MAJOR.MINOR.PATCH").
'use strict';
var fs = require('fs');
var path = require('path');

var range = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).engines.node;
var floor = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(range);
if (!floor) {
  console.error('check-node: package.json engines.node must read ">=MAJOR.MINOR.PATCH" (got "' + range + '")');
  process.exit(2);
}
var need = floor.slice(1).map(Number);
var have = process.versions.node.split('.').map(Number);
var older = have[0] !== need[0] ? have[0] < need[0] : have[1] !== need[1] ? have[1] < need[1] : have[2] < need[2];
if (older) {
  console.error('Hangar needs Node.js ' + range.slice(2) + ' or newer and this is ' + process.version +
    ': install Node 24 LTS (https://nodejs.org/en/download, or `npm install -g node@24`) and run this again.');
  process.exit(1);
}
