// Validates every resource that deploy/kubernetes/kustomization.yaml lists (or the files given with --files):
//  - Kubernetes kinds: the schema of the Kubernetes API they declare, from kubernetes-models (generated from the
//    Kubernetes OpenAPI; types, required fields, enums, formats);
//  - monitoring.coreos.com kinds: the Prometheus Operator CRD schemas, from @kubernetes-models/prometheus-operator;
//  - kafka.strimzi.io kinds: the openAPIV3Schema of the CRDs Strimzi's own generator writes (argument --crds DIR),
//    checked with Ajv, strictly: a field the schema does not know is an error (as kubectl's strict field validation
//    would reject it), not silently pruned.
// Prints one line per resource and exits 1 if any resource is invalid or of a kind no schema covers.
//
// Usage: node validate.mjs --crds DIR [--kustomization deploy/kubernetes/kustomization.yaml | --files F...]
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import Ajv from "ajv";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const MODELS = {
  "v1": core,
  "apps/v1": apps,
  "monitoring.coreos.com/v1": monitoring,
};

function args(argv) {
  const out = { files: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--crds") out.crds = argv[++i];
    else if (argv[i] === "--kustomization") out.kustomization = argv[++i];
    else if (argv[i] === "--files") out.files.push(...argv.slice(i + 1).filter((a) => !a.startsWith("--")));
  }
  return out;
}

/** Strict copy of a CRD schema: objects with known properties reject unknown ones. */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== "object") return schema;
  const copy = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === "properties"
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]))
      : strict(value);
  }
  if (copy.type === "object" && copy.properties && copy.additionalProperties === undefined
      && !copy["x-kubernetes-preserve-unknown-fields"]) {
    copy.additionalProperties = false;
  }
  return copy;
}

function strimziValidators(dir) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
    const crd = yaml.load(fs.readFileSync(path.join(dir, file), "utf8"));
    for (const version of crd.spec.versions) {
      const schema = strict(version.schema.openAPIV3Schema);
      // metadata is validated by the API server itself, not by the CRD schema.
      schema.properties.metadata = { type: "object" };
      validators[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = ajv.compile(schema);
    }
  }
  return validators;
}

function resources(options) {
  const files = options.files.length ? options.files : (() => {
    const kustomization = yaml.load(fs.readFileSync(options.kustomization, "utf8"));
    const base = path.dirname(options.kustomization);
    return kustomization.resources.map((r) => path.join(base, r));
  })();
  return files.flatMap((file) => yaml.loadAll(fs.readFileSync(file, "utf8"))
    .filter((doc) => doc)
    .map((doc, i) => ({ file, index: i, doc })));
}

function validate({ doc }, strimzi) {
  if (!doc.apiVersion || !doc.kind || !doc.metadata?.name) {
    return ["apiVersion, kind and metadata.name are required"];
  }
  const model = MODELS[doc.apiVersion]?.[doc.kind];
  if (model) {
    try {
      new model(doc).validate();
      return [];
    } catch (e) {
      return [e.message];
    }
  }
  const check = strimzi[`${doc.apiVersion}/${doc.kind}`];
  if (check) {
    return check(doc) ? [] : check.errors.map((e) => `${e.instancePath || "/"} ${e.message}`
      + (e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ""));
  }
  return [`no schema for ${doc.apiVersion} ${doc.kind}`];
}

const options = args(process.argv.slice(2));
if (!options.crds) {
  console.error("usage: node validate.mjs --crds DIR [--kustomization FILE | --files FILE...]");
  process.exit(2);
}
const strimzi = strimziValidators(options.crds);
let failed = 0;
const all = resources(options);
for (const resource of all) {
  const problems = validate(resource, strimzi);
  const name = `${resource.file} [${resource.index}] ${resource.doc?.kind} ${resource.doc?.metadata?.name}`;
  if (problems.length) {
    failed++;
    console.log(`FAIL  ${name}`);
    problems.forEach((p) => console.log(`        ${p}`));
  } else {
    console.log(`ok    ${name}`);
  }
}
console.log(`${all.length} resources, ${failed} invalid`);
process.exit(failed || !all.length ? 1 : 0);
