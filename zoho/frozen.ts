/**
 * What a cache hands to many callers (the parameters of a node run, a built call, its
 * prepared form) is frozen, all the way down: the caches recognise such values by
 * identity, so a change would reach every later caller unseen. Frozen, a change throws.
 */
export function deepFreeze<T>(value: T): T {
	if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
	// Buffers and typed arrays cannot be frozen; nothing cached holds one.
	if (ArrayBuffer.isView(value)) return value;
	Object.freeze(value);
	for (const child of Object.values(value)) deepFreeze(child);
	return value;
}
