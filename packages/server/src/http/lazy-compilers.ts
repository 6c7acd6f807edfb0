import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

// Fastify's own schema compilers (fast-json-stringify for the routes' response schemas, Ajv for
// request schemas), loaded and run when first needed instead of at the start: Fastify otherwise
// loads both (some hundred modules) and builds every route's serializer before it listens, a good
// part of an emulator's start (docs/testing.md). They are the compilers Fastify would use, found
// where Fastify finds them, given the same options, so the answers are byte for byte the same.

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type SerializerFactory = NonNullable<Factories['buildSerializer']>;
type ValidatorFactory = NonNullable<Factories['buildValidator']>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));

/** A serializer factory for `compilersFactory`: each route's serializer built at its first answer. */
function lazySerializers(): SerializerFactory {
  return (externalSchemas, options) => {
    let compile: ReturnType<SerializerFactory> | undefined;
    return (route) => {
      let serialize: Serializer | undefined;
      return (data) => {
        if (!serialize) {
          const factory = (
            fastifyRequire('@fastify/fast-json-stringify-compiler') as () => SerializerFactory
          )();
          compile ??= factory(externalSchemas, options);
          serialize = compile(route);
        }
        return serialize(data);
      };
    };
  };
}

/**
 * Fastify's `schemaController` option: its default compilers, loaded and built on demand. Ajv is
 * loaded when a route with a request schema (body, query, params, headers) is set up, which no
 * route has today; such a route's validators are built by Ajv as they would be otherwise (Fastify
 * then treats the compiler as custom, which only means a headers schema keeps its keys' case).
 */
export const lazySchemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildSerializer: lazySerializers(),
    buildValidator: (externalSchemas, options) =>
      (fastifyRequire('@fastify/ajv-compiler') as () => ValidatorFactory)()(externalSchemas, options),
  },
};
