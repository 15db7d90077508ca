// Registers the registry probe runner as a default service of CLI runs (loaded by
// runner/services.ts loadDefaultServices()).
import { setDefaultServices } from '../runner/services.ts';
import { createProbeRunner } from './runner.ts';

setDefaultServices({ probeRunner: createProbeRunner() });
