/** The parts of a V8 `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** A function's share of the samples: self (on top of the stack) and total (anywhere in it). */
export interface FrameShare {
  frame: string;
  selfPercent: number;
  totalPercent: number;
}

function shortUrl(url: string): string {
  if (!url) return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/bench/dist/');
  if (dist >= 0) return url.slice(dist + '/bench/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

function frameName(callFrame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = callFrame.functionName || '(anonymous)';
  const url = shortUrl(callFrame.url);
  return url ? `${name} ${url}:${callFrame.lineNumber + 1}` : name;
}

/** Top frames by self time and by total time, as percentages of all samples (time-weighted). */
export function summarizeCpuProfile(profile: CpuProfile): { bySelf: FrameShare[]; byTotal: FrameShare[]; sampledMs: number } {
  const parent = new Map<number, number>();
  const names = new Map<number, string>();
  for (const node of profile.nodes) {
    names.set(node.id, frameName(node.callFrame));
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const weight = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    sampled += weight;
    const top = names.get(id)!;
    self.set(top, (self.get(top) ?? 0) + weight);
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const name = names.get(node)!;
      if (seen.has(name) || name === '(root)') continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + weight);
    }
  });
  const share = (frame: string): FrameShare => ({
    frame,
    selfPercent: ((self.get(frame) ?? 0) / sampled) * 100,
    totalPercent: ((total.get(frame) ?? 0) / sampled) * 100,
  });
  const frames = [...total.keys()].map(share);
  return {
    bySelf: [...frames].sort((a, b) => b.selfPercent - a.selfPercent),
    byTotal: [...frames].sort((a, b) => b.totalPercent - a.totalPercent),
    sampledMs: sampled / 1000,
  };
}
