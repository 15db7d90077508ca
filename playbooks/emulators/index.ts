// EMULATORS of Sonatype Nexus, JFrog Artifactory and Cloudsmith for tests and local trials.
// They are test doubles built from the products' documented APIs, not the products: CI proves the
// adapters against them, not against live instances. See docs/emulators.md.
export { startNexusEmulator, NEXUS_EULA_TEXT, NEXUS_REALMS_AVAILABLE, type NexusEmulator, type NexusEmulatorOptions } from './nexus.ts';
export { startArtifactoryEmulator, type ArtifactoryEmulator, type ArtifactoryEmulatorOptions, type ArtifactoryRepoConfig } from './artifactory.ts';
export { startCloudsmithEmulator, type CloudsmithEmulator, type CloudsmithEmulatorOptions, type CloudsmithUpstream } from './cloudsmith.ts';
export { mapUpstream, RepoCache, type DataPlaneOptions, type StartCache, type RunningCache, type CacheSpec } from './data-plane.ts';
