/** js-yaml exports its built-in types (`types.null`, …), which @types/js-yaml does not declare. */
import type { Type } from 'js-yaml';

declare module 'js-yaml' {
  export const types: { readonly null: Type };
}
