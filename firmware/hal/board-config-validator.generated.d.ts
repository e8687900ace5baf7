/** Types for board-config-validator.generated.js (tools/schema/board-config-validator.ts writes it). */
import type { ValidateFunction } from 'ajv';

export declare const validate: ValidateFunction;
export default validate;
