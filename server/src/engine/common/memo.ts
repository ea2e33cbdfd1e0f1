// Results remembered per object that never changes once built (a kernel profile, a BtfSpec):
// dropped with the object.

/** compute() for (owner, key), computed once while `owner` lives; undefined results are remembered too. */
export function memoPer<O extends object, K, V>(cache: WeakMap<O, Map<K, V>>, owner: O, key: K, compute: () => V): V {
  let byKey = cache.get(owner);
  if (!byKey) cache.set(owner, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, compute());
  return byKey.get(key) as V;
}
