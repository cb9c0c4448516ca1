'use strict';
// Interop peer for the bridge/ocppws tests: the npm package ocpp-rpc in
// strict mode, as an independent OCPP-J implementation.
//
//   node peer.js server <subprotocol> <schemaDir> <password>
//       A CSMS on 127.0.0.1 (random port) requiring HTTP Basic auth
//       (security profile 1). Prints {"event":"listening","port":N}. Answers
//       every station call with a valid response, sends SetChargingProfile
//       after NotifyEVChargingNeeds and CertificateSigned after
//       SignCertificate. Runs until stdin closes.
//   node peer.js client <subprotocol> <schemaDir> <password> <url> <identity>
//       A station that runs the interop call list against the CSMS at url,
//       answers SetChargingProfile and CertificateSigned, then prints
//       {"event":"done"} and exits.
//
// Both modes validate every frame, both ways, against the official OCPP JSON
// schemas read from schemaDir at start (strictModeValidators). Output is one
// JSON object per line on stdout: "call" (a call received), "result" (a
// response received), "call_error", "violation" (a strictValidationFailure
// or badMessage event), "error".
const fs = require('fs');
const path = require('path');
const { RPCServer, RPCClient, createValidator, createRPCError } = require('ocpp-rpc');

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// ocpp-rpc looks schemas up as urn:<Action>.req and urn:<Action>.conf; the
// official files are named <Action>Request.json and <Action>Response.json.
// Its bundled 2.1 set uses other ids (urn:<Action>Request), so strict mode
// would reject every 2.1 call as "schema missing"; feeding the official
// files under the ids it looks for fixes that and pins both versions to the
// official schemas.
function loadValidator(protocol, dir) {
  const schemas = [];
  for (const f of fs.readdirSync(dir).sort()) {
    if (!f.endsWith('.json')) continue;
    const name = f.slice(0, -5);
    let id;
    if (name.endsWith('Request')) id = `urn:${name.slice(0, -'Request'.length)}.req`;
    else if (name.endsWith('Response')) id = `urn:${name.slice(0, -'Response'.length)}.conf`;
    else id = `urn:${name}.req`;
    const s = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    delete s.$schema; // draft-06 meta-schema; ajv validates the keywords it knows
    s.$id = id;
    schemas.push(s);
  }
  if (schemas.length === 0) throw new Error(`no schemas in ${dir}`);
  return createValidator(protocol, schemas);
}

function watch(rpc) {
  rpc.on('strictValidationFailure', (ev) => {
    out({
      event: 'violation', method: ev.method, outbound: ev.outbound, isCall: ev.isCall,
      error: String(ev.error && ev.error.message), details: ev.error && ev.error.details && ev.error.details.errors,
    });
  });
  rpc.on('badMessage', (ev) => {
    out({ event: 'violation', kind: 'badMessage', message: String(ev.buffer), error: String(ev.error && ev.error.message) });
  });
}

const now = () => new Date().toISOString();
const b64 = (n) => Buffer.alloc(n, 0x5a).toString('base64');
const PEM_CERT = '-----BEGIN CERTIFICATE-----\n' + b64(600) + '\n-----END CERTIFICATE-----\n';
const PEM_CSR = '-----BEGIN CERTIFICATE REQUEST-----\n' + b64(300) + '\n-----END CERTIFICATE REQUEST-----\n';

// chargingProfile is what the CSMS sends after NotifyEVChargingNeeds: a plain
// limit for 2.0.1, a bidirectional central setpoint (discharging) for 2.1.
function chargingProfile(protocol, transactionId) {
  const period = protocol === 'ocpp2.1'
    ? { startPeriod: 0, limit: 11000, dischargeLimit: -7000, setpoint: -5000, operationMode: 'CentralSetpoint' }
    : { startPeriod: 0, limit: 11000 };
  return {
    evseId: 1,
    chargingProfile: {
      id: 7, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute',
      transactionId,
      chargingSchedule: [{ id: 1, startSchedule: now(), chargingRateUnit: 'W', chargingSchedulePeriod: [period] }],
    },
  };
}

function csmsResponse(protocol, method, params) {
  switch (method) {
    case 'BootNotification': return { currentTime: now(), interval: 300, status: 'Accepted' };
    case 'StatusNotification': return {};
    case 'Heartbeat': return { currentTime: now() };
    case 'Authorize': {
      const r = { idTokenInfo: { status: 'Accepted' } };
      if (params.iso15118CertificateHashData) r.certificateStatus = 'Accepted';
      return r;
    }
    case 'TransactionEvent':
      return params.eventType === 'Started' ? { idTokenInfo: { status: 'Accepted' } } : {};
    case 'MeterValues': return {};
    case 'NotifyEVChargingNeeds': return { status: 'Accepted' };
    case 'Get15118EVCertificate': return { status: 'Accepted', exiResponse: b64(3000) };
    case 'GetCertificateStatus': return { status: 'Accepted', ocspResult: b64(1200) };
    case 'SignCertificate': return { status: 'Accepted' };
    default:
      throw createRPCError('NotImplemented', `peer.js has no ${method}`);
  }
}

async function runServer(protocol, schemaDir, password) {
  const validator = loadValidator(protocol, schemaDir);
  const server = new RPCServer({ protocols: [protocol], strictMode: true, strictModeValidators: [validator] });
  server.auth((accept, reject, handshake) => {
    if (!handshake.password || handshake.password.toString() !== password) {
      out({ event: 'auth_rejected', identity: handshake.identity });
      reject(401);
      return;
    }
    accept({});
  });
  server.on('client', (client) => {
    out({ event: 'connected', identity: client.identity, protocol: client.protocol });
    watch(client);
    let txId = null;
    client.handle(({ method, params }) => {
      out({ event: 'call', action: method, params });
      if (method === 'TransactionEvent') txId = params.transactionInfo.transactionId;
      const res = csmsResponse(protocol, method, params);
      const follow = { NotifyEVChargingNeeds: ['SetChargingProfile', () => chargingProfile(protocol, txId || 'none')],
        SignCertificate: ['CertificateSigned', () => ({ certificateChain: PEM_CERT, certificateType: 'V2GCertificate' })] }[method];
      if (follow) {
        setImmediate(async () => {
          try {
            const result = await client.call(follow[0], follow[1]());
            out({ event: 'result', action: follow[0], result });
          } catch (err) {
            out({ event: 'call_error', action: follow[0], code: err.rpcErrorCode, error: String(err.message) });
          }
        });
      }
      return res;
    });
    client.on('close', () => out({ event: 'disconnected', identity: client.identity }));
  });
  const http = await server.listen(0, '127.0.0.1');
  out({ event: 'listening', port: http.address().port });
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await server.close({ code: 1001, awaitPending: false, force: true });
    process.exit(0);
  });
}

function stationCalls(protocol) {
  const v21 = protocol === 'ocpp2.1';
  const hash = { hashAlgorithm: 'SHA256', issuerNameHash: 'a'.repeat(64), issuerKeyHash: 'b'.repeat(64), serialNumber: '1a2b3c', responderURL: 'http://ocsp.test/' };
  const tx = { transactionId: 'js-tx-1' };
  const mv = [{ timestamp: now(), sampledValue: [{ value: 1234.5, measurand: 'Energy.Active.Import.Register' }] }];
  const needs = v21
    ? { requestedEnergyTransfer: 'DC_BPT', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 500 },
      v2xChargingParameters: { maxChargePower: 11000, maxDischargePower: 7000, minDischargePower: 1000 } }
    : { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 500 } };
  return [
    ['BootNotification', { reason: 'PowerUp', chargingStation: { model: 'interop', vendorName: 'ocpp-rpc' } }],
    ['StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 }],
    ['Heartbeat', {}],
    ['Authorize', { idToken: { idToken: 'DEADBEEF', type: 'ISO14443' } }],
    ['Authorize', { idToken: { idToken: 'DEPLGE12345678', type: 'eMAID' }, iso15118CertificateHashData: [hash] }],
    ['TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: tx, evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'DEADBEEF', type: 'ISO14443' } }],
    ['NotifyEVChargingNeeds', { evseId: 1, chargingNeeds: needs }],
    ['TransactionEvent', { eventType: 'Updated', timestamp: now(), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { ...tx, chargingState: 'Charging' }, meterValue: mv }],
    ['MeterValues', { evseId: 1, meterValue: mv }],
    ['Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: b64(1500) }],
    ['GetCertificateStatus', { ocspRequestData: hash }],
    ['SignCertificate', { csr: PEM_CSR, certificateType: 'V2GCertificate' }],
    ['TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'EVCommunicationLost', seqNo: 2, transactionInfo: { ...tx, stoppedReason: 'EVDisconnected' } }],
  ];
}

async function runClient(protocol, schemaDir, password, url, identity) {
  const validator = loadValidator(protocol, schemaDir);
  const cli = new RPCClient({
    endpoint: url, identity, password, protocols: [protocol], strictMode: true,
    strictModeValidators: [validator], reconnect: false,
  });
  watch(cli);
  const waits = {};
  for (const m of ['SetChargingProfile', 'CertificateSigned']) {
    let resolve;
    waits[m] = new Promise((r) => { resolve = r; });
    cli.handle(m, ({ params }) => {
      out({ event: 'call', action: m, params });
      resolve();
      return { status: 'Accepted' };
    });
  }
  cli.handle(({ method }) => {
    out({ event: 'call', action: method });
    throw createRPCError('NotImplemented', `peer.js station has no ${method}`);
  });
  await cli.connect();
  out({ event: 'connected', protocol: cli.protocol });
  for (const [action, params] of stationCalls(protocol)) {
    try {
      const result = await cli.call(action, params);
      out({ event: 'result', action, result });
    } catch (err) {
      out({ event: 'call_error', action, code: err.rpcErrorCode, error: String(err.message) });
    }
    if (action === 'NotifyEVChargingNeeds') await waits.SetChargingProfile;
    if (action === 'SignCertificate') await waits.CertificateSigned;
  }
  out({ event: 'done' });
  await cli.close({ code: 1000 });
  process.exit(0);
}

async function main() {
  const [mode, protocol, schemaDir, password, url, identity] = process.argv.slice(2);
  if (mode === 'server') return runServer(protocol, schemaDir, password);
  if (mode === 'client') return runClient(protocol, schemaDir, password, url, identity);
  throw new Error(`unknown mode ${mode}`);
}

main().catch((err) => {
  out({ event: 'error', error: String(err && err.stack || err) });
  process.exit(1);
});
