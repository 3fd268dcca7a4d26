/** Helpers of the admin-surface tests: the driver (src/sandbox/driver.ts) is shared with `npm run demo`. */
export {
  commandText,
  initialAnswers,
  optionValue,
  submitStep,
  textOf,
  wizardOf,
} from '../../src/sandbox/driver.js';

export type { Sandbox } from '../support/sandbox.js';
