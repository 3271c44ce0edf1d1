// Injected faults: a matching request gets the fault instead of (or, for 'delay', before)
// its normal answer.
import { randomUUID } from 'node:crypto';
import { isDcId, type FaultKind, type FaultSpec } from './types';

const KINDS: readonly FaultKind[] = ['status', 'delay', 'nonJson', 'truncated', 'drop', 'reset'];

interface Fault extends FaultSpec {
	id: string;
	remaining: number;
}

export class FaultStore {
	private faults: Fault[] = [];

	add(spec: FaultSpec): string {
		validate(spec);
		const id = randomUUID();
		this.faults.push({ ...spec, id, remaining: spec.times ?? 1 });
		return id;
	}

	clear(): void {
		this.faults = [];
	}

	/** The first fault matching this request, used up by one. */
	take(request: { dc: string; method: string; path: string }): Fault | undefined {
		const fault = this.faults.find(
			(candidate) =>
				(candidate.dc === undefined || candidate.dc === request.dc) &&
				(candidate.method === undefined || candidate.method.toUpperCase() === request.method) &&
				request.path.startsWith(candidate.path) &&
				(candidate.pathEnd === undefined || request.path.endsWith(candidate.pathEnd)),
		);
		if (!fault) return undefined;
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
		return fault;
	}
}

function validate(spec: FaultSpec): void {
	if (!KINDS.includes(spec.kind)) throw new Error(`unknown fault kind: ${String(spec.kind)}`);
	if (typeof spec.path !== 'string' || !spec.path.startsWith('/'))
		throw new Error('fault path must start with /');
	if (spec.pathEnd !== undefined && typeof spec.pathEnd !== 'string')
		throw new Error('fault pathEnd must be a string');
	if (spec.dc !== undefined && !isDcId(spec.dc))
		throw new Error(`unknown data centre: ${String(spec.dc)}`);
	const times = spec.times ?? 1;
	if (typeof times !== 'number' || !(times >= 1)) throw new Error('fault times must be at least 1');
	if (spec.afterHandling !== undefined && typeof spec.afterHandling !== 'boolean')
		throw new Error('afterHandling must be a boolean');
	if (spec.kind === 'delay' && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
		throw new Error('a delay fault needs delayMs');
	}
}
