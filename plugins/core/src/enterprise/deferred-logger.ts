// A request logger that becomes a pino child only when something logs through it. Fastify builds a
// child per request, and pino runs the child's bindings (the request id) through every redaction
// path; on the provider webhooks, which log nothing when all goes well (no access log, rejections
// only), that was about a tenth of the ingest's own CPU time (docs/BENCHMARKS.md, issue 21).
import type { FastifyBaseLogger, RouteShorthandOptions } from 'fastify';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;
type Log = (...args: unknown[]) => void;
/** Fastify's child logger factory type, which it uses but does not export by name. */
type ChildLoggerFactory = NonNullable<RouteShorthandOptions['childLoggerFactory']>;

class DeferredChildLogger {
  private built: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  /** The child Fastify would have built, with the same bindings and options, built once. */
  private get real(): FastifyBaseLogger {
    return (this.built ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.built?.level ?? this.options.level ?? this.parent.level;
  }
  set level(level: string) {
    this.real.level = level;
  }
  fatal(...args: unknown[]) {
    (this.real.fatal as Log)(...args);
  }
  error(...args: unknown[]) {
    (this.real.error as Log)(...args);
  }
  warn(...args: unknown[]) {
    (this.real.warn as Log)(...args);
  }
  info(...args: unknown[]) {
    (this.real.info as Log)(...args);
  }
  debug(...args: unknown[]) {
    (this.real.debug as Log)(...args);
  }
  trace(...args: unknown[]) {
    (this.real.trace as Log)(...args);
  }
  silent(...args: unknown[]) {
    (this.real.silent as Log)(...args);
  }
  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/** A route's `childLoggerFactory`: what it logs is what Fastify's own child would have logged. */
export const deferredChildLogger: ChildLoggerFactory = (logger, bindings, options) =>
  // The class has every method of FastifyBaseLogger; pino's overloaded signatures are what it cannot spell.
  new DeferredChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
