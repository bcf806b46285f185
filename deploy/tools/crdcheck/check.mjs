// Validates the operators' custom resources among the Kubernetes objects given as a JSON array on standard input,
// against the schemas of their CRDs: Strimzi's (kafka.strimzi.io, @kubernetes-models/strimzi-kafka-operator) and
// CloudNativePG's (postgresql.cnpg.io, @kubernetes-models/cloudnative-pg). Other objects are left alone.
// Prints "ok Kind/name" per resource, or the errors; exits 1 on any error, 2 on an unknown kind or version.
//   kustomize build deploy/k8s | (convert to JSON) | node deploy/tools/crdcheck/check.mjs
import { readFileSync } from "node:fs";

const PACKAGES = {
  "kafka.strimzi.io": "@kubernetes-models/strimzi-kafka-operator",
  "postgresql.cnpg.io": "@kubernetes-models/cloudnative-pg",
};

const objects = JSON.parse(readFileSync(0, "utf8"));
let status = 0;
for (const object of objects) {
  const [group, version] = (object.apiVersion || "").split("/");
  const models = PACKAGES[group];
  if (!models) continue;
  const name = `${object.kind}/${object.metadata?.name}`;
  let model;
  try {
    model = (await import(`${models}/${group}/${version}/${object.kind}`))[object.kind];
  } catch {
    console.log(`unknown ${object.apiVersion} ${name}`);
    status = Math.max(status, 2);
    continue;
  }
  try {
    new model(object).validate();
    console.log(`ok ${name}`);
  } catch (error) {
    console.log(`invalid ${name}: ${error.message}`);
    status = Math.max(status, 1);
  }
}
process.exit(status);
