/** Graph helpers for path models: parents, topological order, cycles. */
export interface Edge {
  from: string;
  to: string;
}

/** Variables in an order where every path points forward, or the cycle that prevents one. */
export function topologicalOrder(
  variables: readonly string[],
  edges: readonly Edge[],
): { order: string[] } | { cycle: string[] } {
  const state = new Map<string, 0 | 1 | 2>();
  const order: string[] = [];
  const parents = new Map<string, string[]>();
  for (const v of variables) parents.set(v, []);
  for (const e of edges) parents.get(e.to)?.push(e.from);
  const stack: string[] = [];
  let cycle: string[] | null = null;
  const visit = (v: string): void => {
    if (cycle) return;
    const s = state.get(v) ?? 0;
    if (s === 2) return;
    if (s === 1) {
      const i = stack.indexOf(v);
      cycle = [...stack.slice(i), v];
      return;
    }
    state.set(v, 1);
    stack.push(v);
    for (const p of parents.get(v) ?? []) visit(p);
    stack.pop();
    state.set(v, 2);
    order.push(v);
  };
  for (const v of variables) visit(v);
  if (cycle) return { cycle: (cycle as string[]).reverse() };
  return { order };
}

/** Variables with no incoming path. */
export function exogenous(variables: readonly string[], edges: readonly Edge[]): string[] {
  const hasParent = new Set(edges.map((e) => e.to));
  return variables.filter((v) => !hasParent.has(v));
}
