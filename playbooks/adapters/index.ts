// Product adapters behind one FieldsApplier: a guide's `fields` step names its adapter in
// `apply` ("nexus.docker-proxy"), and the runner applies or checks it through this.
import type { FieldsApplier } from '../contracts.ts';
import type { FieldsStep } from '../model/step.ts';
import { PlaybookError } from '../errors.ts';
import { nexusDockerProxyAdapter, nexusEulaAdapter, nexusRealmsAdapter } from './nexus.ts';
import { artifactoryDockerRemoteAdapter } from './artifactory.ts';
import { cloudsmithDockerUpstreamAdapter, cloudsmithRepositoryAdapter } from './cloudsmith.ts';
import type { AdapterOptions, ProductAdapter } from './types.ts';

export type { AdapterOptions, ProductAdapter, Problem } from './types.ts';
export { AdapterError, scrub } from './http.ts';
export { nexusDockerProxyAdapter, nexusEulaAdapter, nexusRealmsAdapter, readNexusProxy, NEXUS_UPSTREAM } from './nexus.ts';
export { artifactoryDockerRemoteAdapter, readArtifactoryRepo, ARTIFACTORY_UPSTREAM } from './artifactory.ts';
export { cloudsmithDockerUpstreamAdapter, cloudsmithRepositoryAdapter, listCloudsmithUpstreams, expectedUpstream, CLOUDSMITH_PUBLIC_UPSTREAM, CLOUDSMITH_PRIVATE_UPSTREAM } from './cloudsmith.ts';

/** Every adapter, by the `apply` name guides use. */
export function productAdapters(opts: AdapterOptions = {}): Map<string, ProductAdapter> {
  const list = [nexusDockerProxyAdapter(opts), nexusRealmsAdapter(opts), nexusEulaAdapter(opts), artifactoryDockerRemoteAdapter(opts), cloudsmithRepositoryAdapter(opts), cloudsmithDockerUpstreamAdapter(opts)];
  return new Map(list.map((a) => [a.name, a]));
}

export const ADAPTER_NAMES: readonly string[] = [...productAdapters().keys()];

/** The FieldsApplier the runner uses: dispatches on `step.apply`. */
export function createFieldsApplier(opts: AdapterOptions = {}): FieldsApplier {
  const adapters = productAdapters(opts);
  const get = (step: FieldsStep): ProductAdapter => {
    const a = step.apply !== undefined ? adapters.get(step.apply) : undefined;
    if (!a) throw new PlaybookError('unknown-adapter', `step "${step.id}" names adapter "${step.apply ?? ''}", which does not exist`, { hint: `known adapters: ${[...adapters.keys()].join(', ')}` });
    return a;
  };
  return {
    canApply: (step) => step.apply !== undefined && adapters.has(step.apply),
    check: async (resolved, signal) => get(resolved.step).check(resolved, signal),
    apply: async (resolved, signal) => get(resolved.step).apply(resolved, signal),
  };
}
export { resolveFieldsStep } from './resolve.ts';
