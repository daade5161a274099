export {
  checkOperationLimits,
  defaultOperationLimits,
  measureOperation,
  type OperationLimits,
  type OperationMeasure,
} from './checkOperationLimits.ts';
export { useOperationLimits } from './useOperationLimits.ts';
