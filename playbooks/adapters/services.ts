// Registers the product adapters as the default FieldsApplier for runs the CLI starts
// (loaded by runner/services.ts loadDefaultServices()).
import { setDefaultServices } from '../runner/services.ts';
import { createFieldsApplier } from './index.ts';

setDefaultServices({ fieldsApplier: createFieldsApplier() });
