// tsynth compiler-service worker: loads solc-js once, then answers standard-JSON requests.
//
// Protocol (one JSON document per line, UTF-8):
//   startup  -> {"ready":true,"version":"<solc version>"}
//   request  <- {"id":<number>,"input":"<standard-JSON input as a string>"}
//   response -> {"id":<number>,"output":"<standard-JSON output as a string>"}
//            or {"id":<number>,"error":"<message>"} when the request itself is malformed.
// The worker exits when its stdin closes. solc-js is loaded from $TSYNTH_SOLC_JS_DIR/node_modules
// when that is set (tsynth runs this script with `node -e`), else from beside this file.
'use strict';

const path = require('path');
const readline = require('readline');

let solc;
try {
  solc = require(path.join(process.env.TSYNTH_SOLC_JS_DIR || __dirname, 'node_modules', 'solc'));
} catch (e) {
  process.stdout.write(JSON.stringify({ ready: false, error: String(e && e.message || e) }) + '\n');
  process.exit(2);
}

function send(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

send({ ready: true, version: solc.version() });

const rl = readline.createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    send({ id: null, error: 'request is not JSON: ' + e.message });
    return;
  }
  if (typeof req.input !== 'string') {
    send({ id: req.id, error: 'request has no string field "input"' });
    return;
  }
  let output;
  try {
    output = solc.compile(req.input);
  } catch (e) {
    send({ id: req.id, error: 'solc.compile threw: ' + String(e && e.message || e) });
    return;
  }
  send({ id: req.id, output });
});
rl.on('close', () => process.exit(0));
