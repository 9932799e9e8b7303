#!/usr/bin/env node
// Example Outreach client in Node.js, on @grpc/grpc-js.
//
// The stubs come from the contracts themselves: @grpc/proto-loader reads
// protos/ at run time, so there is nothing to generate. Against a running
// suite, it:
//
//   1. imports information notes through the gateway,
//   2. reads the first note back, rendered as TEXT,
//   3. lists events page by page,
//   4. reads the field details (google.rpc.BadRequest) of a validation error.
//
// Exit status 0 when every step worked. Usage:
//
//   node clients/node/outreach_client.js --address 127.0.0.1:8080 \
//       --note examples/notes/kiev_2013.txt [--note another.txt]

'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const PROTOS = path.resolve(__dirname, '..', '..', 'protos');

const PROG = 'outreach_client';
const USAGE = `usage: node clients/node/outreach_client.js [--address HOST:PORT]
                      --note FILE [--note FILE ...] [--timeout SECONDS]

Example Outreach client in Node.js, on @grpc/grpc-js: imports the notes,
reads the first back, lists events page by page, and reads a validation
error's field details.

  --tls      auto (mutual TLS when --tls-dir holds ca.crt), on or off
             (default $OUTREACH_TLS or auto)
  --tls-dir  ca.crt and <identity>.crt/.key (default $OUTREACH_DATA_DIR/tls,
             else .outreach/tls, where scripts/run.sh makes them)
  --identity whose certificate to present (default editor)
  --address  the gateway (default $OUTREACH_ADDRESS or 127.0.0.1:8080);
             --gateway is accepted too
  --note     a note's text file; may be repeated
  --timeout  deadline of each call, in seconds (30)
  --help     this text`;

// A mistake in the command line: usage on stderr, exit 2.
class UsageError extends Error {}

function parseArgs(argv) {
  const args = {
    address: process.env.OUTREACH_ADDRESS || '127.0.0.1:8080',
    notes: [],
    timeout: 30,
    tls: process.env.OUTREACH_TLS || 'auto',
    tlsDir: path.join(process.env.OUTREACH_DATA_DIR || '.outreach', 'tls'),
    identity: 'editor',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (flag === '--address' || flag === '--gateway') {
      args.address = value();
    } else if (flag === '--note') args.notes.push(value());
    else if (flag === '--timeout') args.timeout = Number(value());
    else if (flag === '--tls') args.tls = value();
    else if (flag === '--tls-dir') args.tlsDir = value();
    else if (flag === '--identity') args.identity = value();
    else throw new UsageError(`unknown argument ${argv[i]}`);
  }
  if (args.notes.length === 0) throw new UsageError('--note is required');
  if (!['auto', 'on', 'off'].includes(args.tls)) {
    throw new UsageError(`--tls=${args.tls}: want auto, on or off`);
  }
  return args;
}

// Wraps a unary method as a promise with a deadline.
function unary(client, method, timeoutSeconds) {
  return (request) =>
    new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + timeoutSeconds * 1000);
      client[method](request, { deadline }, (err, reply) =>
        err ? reject(err) : resolve(reply));
    });
}

// The BadRequest field violations carried in an error's
// grpc-status-details-bin trailer, as "field: description".
function fieldViolations(err, rpcTypes) {
  const raw = err.metadata && err.metadata.get('grpc-status-details-bin');
  if (!raw || raw.length === 0) return [];
  const status = rpcTypes.Status.decode(raw[0]);
  const out = [];
  for (const detail of status.details) {
    if (detail.type_url.endsWith('/google.rpc.BadRequest')) {
      const badRequest = rpcTypes.BadRequest.decode(detail.value);
      for (const v of badRequest.field_violations) {
        out.push(`${v.field}: ${v.description}`);
      }
    }
  }
  return out;
}

// Mutual TLS with --identity's certificate, or plaintext, as --tls says:
// the same rule as outreachctl's.
function channelCredentials(args) {
  const ca = path.join(args.tlsDir, 'ca.crt');
  if (args.tls === 'off' || (args.tls === 'auto' && !fs.existsSync(ca))) {
    return grpc.credentials.createInsecure();
  }
  const read = (name) => fs.readFileSync(path.join(args.tlsDir, name));
  return grpc.credentials.createSsl(read('ca.crt'), read(`${args.identity}.key`),
                                    read(`${args.identity}.crt`));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const definition = protoLoader.loadSync('outreach/gateway/v1/gateway.proto', {
    includeDirs: [PROTOS],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const proto = grpc.loadPackageDefinition(definition);
  const gateway = new proto.outreach.gateway.v1.GatewayService(
    args.address, channelCredentials(args));
  const rpcRoot = new protobuf.Root();
  rpcRoot.resolvePath = (_origin, target) => path.join(PROTOS, 'third_party', target);
  rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'],
                   { keepCase: true });
  const rpcTypes = {
    Status: rpcRoot.lookupType('google.rpc.Status'),
    BadRequest: rpcRoot.lookupType('google.rpc.BadRequest'),
  };
  const call = (method) => unary(gateway, method, args.timeout);
  try {
    return await run(args, call, rpcTypes);
  } catch (err) {
    if (err.code === undefined) throw err;
    // One line: the gRPC code, the message, the field violations.
    const code = Object.keys(grpc.status).find((k) => grpc.status[k] === err.code);
    const violations = fieldViolations(err, rpcTypes);
    console.error(`${PROG}: ${code}: ${err.details}` +
                  (violations.length ? ` [${violations.join('; ')}]` : ''));
    return 1;
  } finally {
    gateway.close();
  }
}

async function run(args, call, rpcTypes) {

  // 1. Import the notes (idempotent: a second import creates nothing).
  let first = null;
  for (const file of args.notes) {
    const report = await call('ImportInformationNote')({
      text: fs.readFileSync(file, 'utf8'),
    });
    const resolved = report.participations.filter((p) => p.iso_alpha2);
    console.log(`imported ${report.event.name}: ${report.participations.length} ` +
                `participations, ${resolved.length} States with ISO codes, ` +
                `${report.outcomes.length} outcomes, already_imported=` +
                `${report.already_imported}`);
    if (first === null) first = report.event.name;
  }

  // 2. Read the first note back.
  const note = await call('RenderInformationNote')({
    event: first, format: 'NOTE_FORMAT_TEXT',
  });
  const lines = note.content.split('\n');
  console.log(`note: ${note.content.length} characters; ${lines[2] || ''}`);

  // 3. List events page by page.
  let pages = 0;
  let names = 0;
  let pageToken = '';
  do {
    const page = await call('ListEvents')({ page_size: 1, page_token: pageToken });
    pages += 1;
    names += page.events.length;
    pageToken = page.next_page_token;
  } while (pageToken);
  console.log(`events: ${names} in ${pages} page(s)`);

  // 4. The field details of a validation error.
  try {
    await call('ImportInformationNote')({ text: '' });
    console.error('error: an empty note was accepted');
    return 1;
  } catch (err) {
    if (err.code === undefined) throw err;
    const violations = fieldViolations(err, rpcTypes);
    const code = Object.keys(grpc.status).find((k) => grpc.status[k] === err.code);
    console.log(`validation error ${code}: ${JSON.stringify(violations)}`);
    if (err.code !== grpc.status.INVALID_ARGUMENT || violations.length === 0) {
      return 1;
    }
  }
  return 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(`${PROG}: ${err.message}`);
  if (err instanceof UsageError) {
    console.error(USAGE);
    process.exit(2);
  }
  process.exit(1);
});
