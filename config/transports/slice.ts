// A transport's slice of the config schema: the settings that only it reads, each with its zod
// field (type, description, default) and the reason it means nothing without that transport.
// config/schema.ts composes the provider and consumer schemas from the common fields plus every
// slice; config/rules.ts refuses a setting of another transport with the slice's reason, so a new
// transport's slice (config/transports/<name>/schema.ts) brings its refusals with it.
import type { z } from "zod";

export interface TransportKey<F extends z.ZodType = z.ZodType> {
  /** The setting's schema, exactly as the config file takes it (its description and default included). */
  readonly field: F;
  /** Why the setting means nothing without this transport: the refusal quotes it in parentheses. */
  readonly reason: string;
}

export type TransportKeys = Readonly<Record<string, TransportKey>>;

export interface TransportSchema<
  N extends string = string,
  P extends TransportKeys = TransportKeys,
  C extends TransportKeys = TransportKeys,
> {
  /** The value of provider.transport that selects this transport. */
  readonly name: N;
  /**
   * Provider settings by their path under provider: "loadBalancer" is provider.loadBalancer,
   * "sharing.privateDnsName" is provider.sharing.privateDnsName (one level of nesting, into an
   * object the common schema declares).
   */
  readonly provider: P;
  /** Settings of each consumer, by their key in consumers[]. */
  readonly consumer: C;
}

/** Declares a slice, keeping its literal name and the type of every field for the composed schema. */
export function transportSchema<N extends string, P extends TransportKeys, C extends TransportKeys>(
  slice: TransportSchema<N, P, C>,
): TransportSchema<N, P, C> {
  return slice;
}

type Side = "provider" | "consumer";
type FieldOf<K> = K extends TransportKey<infer F> ? F : never;

/** The slice's keys directly under `at` ("" for the top level), each with its zod field. */
type FieldsAt<T, At extends string> = At extends ""
  ? { [K in keyof T as K extends `${string}.${string}` ? never : K]: FieldOf<T[K]> }
  : { [K in keyof T as K extends `${At}.${infer Key}` ? Key : never]: FieldOf<T[K]> };

/** Every slice's keys under `at`, as one zod shape. */
export type SlicesAt<S extends readonly TransportSchema[], W extends Side, At extends string> = S extends readonly [
  infer Head extends TransportSchema,
  ...infer Rest extends readonly TransportSchema[],
]
  ? FieldsAt<Head[W], At> & SlicesAt<Rest, W, At>
  : unknown;

/**
 * The common fields of one object of the config plus every slice's fields under `at`, common ones
 * first, then each transport's in the order of `slices`. A key declared twice (by two slices, or
 * by a slice and the common fields) is a programming error: the refusals would contradict each other.
 */
export function withSlices<
  Common extends z.core.$ZodShape,
  S extends readonly TransportSchema[],
  W extends Side,
  At extends string,
>(common: Common, slices: S, side: W, at: At): Common & SlicesAt<S, W, At> {
  const shape: Record<string, z.core.$ZodType> = { ...common };
  const owner = new Map<string, string>();
  for (const slice of slices) {
    for (const [path, key] of Object.entries(slice[side])) {
      const parts = path.split(".");
      if (parts.length > 2)
        throw new Error(
          `${slice.name} transport: ${side}.${path} nests too deep; a slice adds keys at the top level or one object down`,
        );
      const [under, name] = parts.length === 1 ? ["", parts[0]] : parts;
      // The top-level call sees every path: one under an object the common fields lack would vanish.
      if (at === "" && under !== "" && !(under in common))
        throw new Error(`${slice.name} transport: ${side}.${path} names no object of the common ${side} fields`);
      if (under !== at) continue;
      if (name in shape) {
        const first = owner.get(name);
        throw new Error(
          `${slice.name} transport: ${side}.${path} is already declared by ${first ? `the ${first} transport` : "the common fields of config/schema.ts"}; a setting belongs to one transport or to the common fields`,
        );
      }
      shape[name] = key.field;
      owner.set(name, slice.name);
    }
  }
  return shape as Common & SlicesAt<S, W, At>;
}
