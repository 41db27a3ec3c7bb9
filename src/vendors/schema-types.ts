// Compile-time lock-step between an adapter's JSON Schema fragment and the TypeScript type it
// reads the config as: `npm run typecheck` fails when a field is in one and not the other.

type PropertiesOf<S> = S extends { readonly properties: infer P } ? keyof P : never;

/** `true` only when the schema's properties and the type's keys are the same set. */
export type SameKeys<S, T> = [PropertiesOf<S>] extends [keyof T] ? ([keyof T] extends [PropertiesOf<S>] ? true : false) : false;
