// Registry probes (`pull`, `upstream`) for verify steps.
export { createProbeRunner, type ProbeRunnerOptions } from './runner.ts';
export { upstreamTarget, DEFAULT_UPSTREAM, type UpstreamTarget } from './upstream-ref.ts';
