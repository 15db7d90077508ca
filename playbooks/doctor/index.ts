// The doctor: a guide's troubleshooting section as checks with causes and fixes.
export { runDoctor, formatDoctorReport, type DoctorOptions } from './doctor.ts';
export { CHAINGUARD_HOSTS, checkHost, parseHostTarget, type HostTarget } from './network.ts';
export { cachePullTarget, upstreamImage, type PullTarget } from './targets.ts';
export type { DoctorCheck, DoctorReport } from './types.ts';
