'use strict';
// The Pulumi side of the wire, shared by the interop suites: starts the built provider binary as the engine does
// and calls it through the gRPC client stubs that ship inside @pulumi/pulumi on @grpc/grpc-js. None of this client
// code is ours, so the suites check the wire contract, not our reading of it.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const crypto = require('node:crypto');

const grpc = require('@grpc/grpc-js');
const providerGrpc = require('@pulumi/pulumi/proto/provider_grpc_pb.js');
const providerPb = require('@pulumi/pulumi/proto/provider_pb.js');
const pluginPb = require('@pulumi/pulumi/proto/plugin_pb.js');

// The stubs check message types with instanceof: google-protobuf must be the very copy that
// @pulumi/pulumi resolves, never a second one.
const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
const fromPulumi = (mod) => require(require.resolve(mod, { paths: [pulumiDir] }));
const { Struct } = fromPulumi('google-protobuf/google/protobuf/struct_pb.js');
const { Empty } = fromPulumi('google-protobuf/google/protobuf/empty_pb.js');

const ROOT = path.resolve(__dirname, '..', '..');
// PROVIDER_BINARY points the suites at another build of the provider (relative to the repository root, or absolute;
// default: the repository's bin/).
const BINARY = path.resolve(ROOT, process.env.PROVIDER_BINARY || path.join('bin', 'pulumi-resource-libvirt'));
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const { Kind } = providerPb.PropertyDiff;
const { DiffChanges } = providerPb.DiffResponse;

const secret = (value) => ({ [SECRET_SIG]: SECRET_VALUE, value });
const toStruct = (obj) => Struct.fromJavaScript(obj);
const fromStruct = (s) => (s ? s.toJavaScript() : undefined);
const urnOf = (name, type, project = 'interop') => `urn:pulumi:dev::${project}::${type}::${name}`;

// One provider process and the Pulumi client on it. Every resource call takes the resource type token first.
class ProviderProcess {
  // project: the project part of the URNs this process's requests carry.
  constructor({ project = 'interop' } = {}) {
    this.project = project;
    this.child = null;
    this.client = null;
    this.stderr = '';
    this.created = new Map(); // id -> { type, name }: what to clean up if a test fails half-way
  }

  urn(type, name) {
    return urnOf(name, type, this.project);
  }

  // Starts the binary as the engine does and connects once it prints its port.
  async start() {
    const port = await new Promise((resolve, reject) => {
      if (!fs.existsSync(BINARY)) {
        reject(new Error(`${BINARY} is missing: run make build first`));
        return;
      }
      const child = spawn(BINARY, ['127.0.0.1:1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      // Keep draining stderr (the failing engine log calls land there) so the pipe never fills.
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-20_000); });
      const timer = setTimeout(() => reject(new Error(`provider printed no port in 30s; stderr:\n${this.stderr}`)), 30_000);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`provider exited early (code ${code}, signal ${signal}); stderr:\n${this.stderr}`));
      });
      child.once('error', (err) => { clearTimeout(timer); reject(err); });
      readline.createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        const n = Number(line.trim());
        if (!Number.isInteger(n) || n <= 0) reject(new Error(`first stdout line is not a port: ${JSON.stringify(line)}`));
        else resolve(n);
      });
    });
    this.client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    await this.call('handshake', new providerPb.ProviderHandshakeRequest().setEngineAddress('127.0.0.1:1'));
  }

  // Configure with the connection URI and any further provider config (e.g. guestfsBackendSettings).
  configure(uri, config = {}) {
    return this.call(
      'configure',
      new providerPb.ConfigureRequest()
        .setArgs(toStruct({ uri, ...config }))
        .setAcceptsecrets(true)
        .setAcceptresources(true),
    );
  }

  // Deletes what a failed test left behind, then stops the process (SIGKILL if SIGTERM is not enough).
  async stop() {
    try {
      if (this.client) {
        for (const [id, { type, name }] of [...this.created]) await this.del(type, name, id).catch(() => {});
      }
    } finally {
      if (this.client) this.client.close();
      const child = this.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    }
  }

  // Calls one unary method and resolves with its response (rejects with the grpc error).
  call(method, request, { timeoutMs = 60_000 } = {}) {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + timeoutMs);
      this.client[method](request, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }

  // opts: olds (default {}: an empty Struct, as the engine sends for a new resource), seed (default: fresh).
  async check(type, name, news, opts = {}) {
    const res = await this.call('check', checkRequest(name, news, { ...opts, type, project: this.project }));
    return {
      inputs: fromStruct(res.getInputs()),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async create(type, name, inputs, { preview = false, timeoutMs } = {}) {
    const res = await this.call(
      'create',
      new providerPb.CreateRequest()
        .setUrn(this.urn(type, name)).setName(name).setType(type)
        .setProperties(toStruct(inputs)).setPreview(preview).setTimeout(60),
      { timeoutMs },
    );
    if (!preview && res.getId()) this.created.set(res.getId(), { type, name });
    return { id: res.getId(), outputs: fromStruct(res.getProperties()) };
  }

  // properties/inputs left undefined are not set at all (an import's Read); {} sends an empty Struct.
  async read(type, name, id, properties, inputs) {
    const req = new providerPb.ReadRequest().setId(id).setUrn(this.urn(type, name)).setName(name).setType(type);
    if (properties !== undefined) req.setProperties(toStruct(properties));
    if (inputs !== undefined) req.setInputs(toStruct(inputs));
    const res = await this.call('read', req);
    return {
      id: res.getId(),
      outputs: fromStruct(res.getProperties()),
      inputs: fromStruct(res.getInputs()),
      hasProperties: res.hasProperties(),
      hasInputs: res.hasInputs(),
    };
  }

  async diff(type, name, id, olds, oldInputs, news) {
    const res = await this.call(
      'diff',
      new providerPb.DiffRequest()
        .setId(id).setUrn(this.urn(type, name)).setName(name).setType(type)
        .setOlds(toStruct(olds)).setOldInputs(toStruct(oldInputs)).setNews(toStruct(news)),
    );
    const detailed = {};
    for (const [key, pd] of res.getDetaileddiffMap().entries()) detailed[key] = pd.getKind();
    return {
      changes: res.getChanges(),
      replaces: res.getReplacesList().slice().sort(),
      detailed,
      hasDetailedDiff: res.getHasdetaileddiff(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  async update(type, name, id, olds, oldInputs, news, { preview = false } = {}) {
    const res = await this.call(
      'update',
      new providerPb.UpdateRequest()
        .setId(id).setUrn(this.urn(type, name)).setName(name).setType(type)
        .setOlds(toStruct(olds)).setOldInputs(toStruct(oldInputs)).setNews(toStruct(news))
        .setPreview(preview).setTimeout(60),
    );
    return { outputs: fromStruct(res.getProperties()) };
  }

  async del(type, name, id, properties = {}, oldInputs = {}) {
    await this.call(
      'delete',
      new providerPb.DeleteRequest()
        .setId(id).setUrn(this.urn(type, name)).setName(name).setType(type)
        .setProperties(toStruct(properties)).setOldInputs(toStruct(oldInputs)).setTimeout(60),
    );
    this.created.delete(id);
  }

  // A program's invoke of a function: the token and its arguments, no URN. Answers the result (undefined when the
  // arguments failed) and the failures.
  async invoke(tok, args = {}) {
    const res = await this.call('invoke', new providerPb.InvokeRequest().setTok(tok).setArgs(toStruct(args)));
    return {
      result: res.hasReturn() ? fromStruct(res.getReturn()) : undefined,
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  // The engine's Cancel: stop what is in flight.
  async cancel() {
    await this.call('cancel', new Empty());
  }
}

function checkRequest(name, news, { seed = crypto.randomBytes(32), olds = {}, type, project = 'interop' } = {}) {
  if (!type) throw new Error('checkRequest needs a type');
  return new providerPb.CheckRequest()
    .setUrn(urnOf(name, type, project))
    .setName(name)
    .setType(type)
    .setOlds(toStruct(olds))
    .setNews(toStruct(news))
    .setRandomseed(seed);
}

module.exports = {
  grpc,
  providerPb,
  pluginPb,
  Struct,
  Empty,
  ROOT,
  BINARY,
  SECRET_SIG,
  SECRET_VALUE,
  UNKNOWN,
  Kind,
  DiffChanges,
  secret,
  toStruct,
  fromStruct,
  urnOf,
  ProviderProcess,
  checkRequest,
};
