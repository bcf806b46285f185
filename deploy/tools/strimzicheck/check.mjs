// Validates the Strimzi custom resources (kafka.strimzi.io) among the Kubernetes objects given as a JSON
// array on standard input, against the schemas of Strimzi's CRDs (@kubernetes-models/strimzi-kafka-operator).
// Prints "ok Kind/name" per resource, or the errors; exits 1 on any error, 2 on an unknown kind or version.
//   kustomize build deploy/k8s | (convert to JSON) | node deploy/tools/strimzicheck/check.mjs
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(0, "utf8"));
let status = 0;
for (const object of objects) {
  const [group, version] = (object.apiVersion || "").split("/");
  if (group !== "kafka.strimzi.io") continue;
  const name = `${object.kind}/${object.metadata?.name}`;
  let model;
  try {
    model = (await import(`@kubernetes-models/strimzi-kafka-operator/${group}/${version}/${object.kind}`))[object.kind];
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
