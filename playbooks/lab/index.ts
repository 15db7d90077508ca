// The local lab (a stand-in for cgr.dev) and the reusable Distribution launcher.
export { labUp, labStatus, labDown, issueToken, readLabState, defaultStateDir, DEFAULT_ORG, DEFAULT_TOKEN_TTL, type LabState, type LabStatus, type LabUpOptions, type LabComponent, type ComponentStatus, type IssuedToken } from './lab.ts';
export { startDistribution, findRegistryBin, distributionConfig, type StartDistributionOptions, type RunningDistribution, type ProxyOptions, type TokenAuthOptions } from './distribution.ts';
export { buildWolfiBase, buildStatic, pushImage, tar, type BuiltImage } from './images.ts';
export { LAB_ISSUER, LAB_SERVICE, PUBLIC_NAMESPACE, IDENTITY_ID_RE, parseTtl } from './tokens.ts';
export { freePort, stopPid, isAlive } from './process.ts';
