import { randomUUID } from 'node:crypto';
import { FAULT_LIMITS, type FaultEffect, type FaultRule, type FaultRuleBody } from '@ddm-jobs/contract';
import { ApiError } from '../errors/api-error.js';
import type { FaultableOperation } from './operations.js';
import { mulberry32 } from './prng.js';
import { drawSeed } from './rules.js';

/** A routed call, as the rules see it. */
export interface FaultCall {
  operation: FaultableOperation;
  /** The path without the query, as sent. */
  path: string;
  /** The path's `{project_id}`; none on the Keystone routes. */
  projectId: string | undefined;
}

/** A rule that fired on a call, with its latency drawn when it gave a range. */
export interface FiredFault {
  rule: FaultRule;
  effect: FaultEffect;
  /** The latency to add, for a latency effect. */
  latencyMs: number;
}

interface HeldRule {
  rule: FaultRule;
  random: () => number;
  path: RegExp | undefined;
}

/** `*` stands for one segment's characters, `**` for any; everything else for itself. */
function pathPattern(glob: string): RegExp {
  const source = glob
    .split(/(\*\*|\*)/)
    .map((part) =>
      part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}/?$`);
}

function matches(held: HeldRule, call: FaultCall): boolean {
  const { match } = held.rule;
  if (match.operation !== undefined && match.operation !== call.operation.operation) return false;
  if (match.method !== undefined && match.method !== call.operation.method) return false;
  if (held.path && !held.path.test(call.path)) return false;
  if (match.project_id !== undefined && match.project_id !== call.projectId) return false;
  // A stream's answer never ends: there is nothing to cut short.
  if (held.rule.effect.type === 'truncate' && call.operation.streams) return false;
  return true;
}

/**
 * The emulator's fault rules, in this process's memory (each node of a cluster holds its own),
 * in the order they were added. A call is looked at by every rule in turn; the first that
 * matches and fires decides, and the rules after it are not asked (nor draw). Each rule draws
 * from its own seeded source, so that its sequence does not depend on other rules.
 */
export interface FaultRegistry {
  add(body: FaultRuleBody): FaultRule;
  list(): FaultRule[];
  /** False when no rule has this id. */
  remove(id: string): boolean;
  /** Removes every rule, or those of one project only. */
  clear(projectId?: string): void;
  /** The fault that fires on this call, if any; counts it. */
  decide(call: FaultCall): FiredFault | undefined;
}

export function createFaultRegistry(): FaultRegistry {
  let held: HeldRule[] = [];
  const copy = (rule: FaultRule): FaultRule => structuredClone(rule);
  return {
    add(body) {
      if (held.length >= FAULT_LIMITS.rules)
        throw new ApiError('parameter', `At most ${FAULT_LIMITS.rules} fault rules are held at once.`);
      const seed = body.fire?.seed ?? drawSeed();
      const rule: FaultRule = {
        id: randomUUID(),
        match: body.match,
        fire: { ...body.fire, seed },
        effect: body.effect,
        fired: 0,
      };
      const path = body.match.path === undefined ? undefined : pathPattern(body.match.path);
      held.push({ rule, random: mulberry32(seed), path });
      return copy(rule);
    },
    list: () => held.map((h) => copy(h.rule)),
    remove(id) {
      const before = held.length;
      held = held.filter((h) => h.rule.id !== id);
      return held.length < before;
    },
    clear(projectId) {
      held = projectId === undefined ? [] : held.filter((h) => h.rule.match.project_id !== projectId);
    },
    decide(call) {
      for (const h of held) {
        const { fire, effect } = h.rule;
        if (fire.times !== undefined && h.rule.fired >= fire.times) continue;
        if (!matches(h, call)) continue;
        if (fire.probability !== undefined && !(h.random() < fire.probability)) continue;
        h.rule.fired += 1;
        let latencyMs = 0;
        if (effect.type === 'latency') {
          const min = effect.min_ms ?? 0;
          const max = effect.max_ms ?? min;
          latencyMs = effect.ms ?? min + Math.floor(h.random() * (max - min + 1));
        }
        return { rule: copy(h.rule), effect, latencyMs };
      }
      return undefined;
    },
  };
}
