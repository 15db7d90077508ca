// OCI Distribution client (plain fetch, no daemon) and verified pulls.
export { RegistryClient, computeDigest, type RegistryClientOptions, type PingResult, type ManifestResult, type BlobResult } from './client.ts';
export { RegistryError, diagnoseHttp, diagnoseNetwork, parseErrorBody, type ErrorContext } from './errors.ts';
export { parseChallenges, type AuthChallenge } from './challenge.ts';
export { parseReference, formatReference, referenceTarget, type ImageReference } from './reference.ts';
export { pullImage, type PullResult } from './pull.ts';
export { selectPlatform, parsePlatform, formatPlatform, DEFAULT_PLATFORM, type Platform } from './platform.ts';
export * from './media-types.ts';
